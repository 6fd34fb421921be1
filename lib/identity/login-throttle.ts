/**
 * Login throttling, as pure arithmetic over counters kept in the rate-limits table.
 *
 * Three counters, each "failures since the last quiet period" with the time of the last one:
 * - per account (keyed by a hash of the email): 5 free failures, then a wait that doubles with
 *   every further failure (1 s, 2 s, 4 s ... capped at 15 minutes). Forgotten after 24 h quiet.
 * - per source IP: 20 free failures, then the same doubling, capped at 15 minutes; forgotten
 *   after 1 h quiet. It slows one address spraying many accounts.
 * - per (account, IP) pair, for an IP the account has logged in from successfully before
 *   (remembered 30 days): such an attempt is judged by the pair's own counter instead of the
 *   account's, so an attacker hammering the account from elsewhere cannot lock its owner out at
 *   their usual address. It is safe because the pair record exists only after a correct password
 *   from that address, the pair counter backs off on its own, and the per-IP limit still applies.
 *
 * Nothing is ever locked permanently: every wait is bounded and counters decay.
 */
export interface ThrottleRule {
  freeFailures: number;
  baseDelaySeconds: number;
  maxDelaySeconds: number;
  forgetAfterSeconds: number;
}

export const THROTTLE_RULES = {
  account: { freeFailures: 5, baseDelaySeconds: 1, maxDelaySeconds: 15 * 60, forgetAfterSeconds: 24 * 3600 },
  ip: { freeFailures: 20, baseDelaySeconds: 1, maxDelaySeconds: 15 * 60, forgetAfterSeconds: 3600 },
  pair: { freeFailures: 5, baseDelaySeconds: 1, maxDelaySeconds: 5 * 60, forgetAfterSeconds: 24 * 3600 },
} as const satisfies Record<string, ThrottleRule>;

/** How long a successful (account, IP) pair is trusted for the pair rule. */
export const TRUSTED_PAIR_SECONDS = 30 * 24 * 3600;

export interface FailureCounter {
  failures: number;
  lastFailureMs: number;
}

/** Failures that still count at `nowMs` (0 once the counter has been quiet long enough). */
export function liveFailures(counter: FailureCounter | undefined, rule: ThrottleRule, nowMs: number): number {
  if (!counter) return 0;
  return nowMs - counter.lastFailureMs > rule.forgetAfterSeconds * 1000 ? 0 : counter.failures;
}

export function delaySeconds(failures: number, rule: ThrottleRule): number {
  if (failures < rule.freeFailures) return 0;
  const exponent = Math.min(failures - rule.freeFailures, 30);
  return Math.min(rule.maxDelaySeconds, rule.baseDelaySeconds * 2 ** exponent);
}

/** Seconds the caller must still wait under one counter (0: may try now). */
export function waitSeconds(counter: FailureCounter | undefined, rule: ThrottleRule, nowMs: number): number {
  const failures = liveFailures(counter, rule, nowMs);
  if (!counter || failures === 0) return 0;
  const until = counter.lastFailureMs + delaySeconds(failures, rule) * 1000;
  return until > nowMs ? Math.ceil((until - nowMs) / 1000) : 0;
}

export interface ThrottleState {
  account?: FailureCounter;
  ip?: FailureCounter;
  /** Present when this IP has logged in to this account before (within TRUSTED_PAIR_SECONDS). */
  pair?: FailureCounter & { lastSuccessMs: number };
}

/** 0 when the attempt may go ahead, else the Retry-After in seconds. */
export function retryAfterSeconds(state: ThrottleState, nowMs: number): number {
  const ipWait = waitSeconds(state.ip, THROTTLE_RULES.ip, nowMs);
  const trusted = state.pair !== undefined && nowMs - state.pair.lastSuccessMs <= TRUSTED_PAIR_SECONDS * 1000;
  const accountWait = trusted ? waitSeconds(state.pair, THROTTLE_RULES.pair, nowMs) : waitSeconds(state.account, THROTTLE_RULES.account, nowMs);
  return Math.max(ipWait, accountWait);
}
