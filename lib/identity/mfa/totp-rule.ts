import { timingSafeEqual } from 'node:crypto';

/**
 * The authenticator app's rule (RFC 6238: SHA-1, 6 digits, 30-second steps), apart from the HMAC
 * itself (otplib, ./totp.ts): which time steps a code may belong to, and when it is a replay.
 *
 * - A code is looked for in the current step and one step either side (a phone's clock a little
 *   off, a code typed as it turned over); two steps away is refused.
 * - A code is accepted once: the step it matched must be later than the last step this account
 *   used (kept on the account and moved by one conditional write), so a code seen over a
 *   shoulder or in a proxy's log is worthless once used, and so is any code of an earlier step.
 */
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** Steps accepted either side of the current one. */
export const TOTP_SKEW_STEPS = 1;

const CODE_PATTERN = /^\d{6}$/;

/** The time step of an instant (floor of seconds / 30). */
export function timeStep(nowMs: number): number {
  return Math.floor(nowMs / 1000 / TOTP_PERIOD_SECONDS);
}

/** The steps a code is compared with, the current one first. */
export function candidateSteps(nowMs: number): number[] {
  const current = timeStep(nowMs);
  const steps = [current];
  for (let d = 1; d <= TOTP_SKEW_STEPS; d += 1) steps.push(current - d, current + d);
  return steps;
}

/** A code as typed: spaces removed; undefined unless it is exactly six digits. */
export function normaliseCode(input: string): string | undefined {
  const code = input.replace(/\s+/g, '');
  return CODE_PATTERN.test(code) ? code : undefined;
}

function sameCode(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

export type CodeCheck = { ok: true; step: number } | { ok: false; reason: 'invalid' | 'replayed' };

/**
 * Which step `code` belongs to, among the candidates of `nowMs`, and whether it may be used:
 * `replayed` when it matches a step at or before `lastUsedStep`. `codeAt(step)` is the
 * authenticator's code for a step (every candidate is computed, so the time taken does not say
 * which one matched).
 */
export function checkCode(code: string, nowMs: number, codeAt: (step: number) => string, lastUsedStep?: number): CodeCheck {
  const typed = normaliseCode(code);
  if (typed === undefined) return { ok: false, reason: 'invalid' };
  let matched: number | undefined;
  for (const step of candidateSteps(nowMs)) {
    if (sameCode(codeAt(step), typed) && matched === undefined) matched = step;
  }
  if (matched === undefined) return { ok: false, reason: 'invalid' };
  if (lastUsedStep !== undefined && matched <= lastUsedStep) return { ok: false, reason: 'replayed' };
  return { ok: true, step: matched };
}
