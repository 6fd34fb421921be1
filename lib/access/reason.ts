import { BadRequestError } from '../platform/errors';

/**
 * Why an engineer may reach customer data (one customer's record, a restored copy of a table).
 * The Security page promises individual records are read only "to carry out a customer support
 * request or a significant systems issue", so a reason must name one: a ticket or an incident
 * reference that someone can look up. Free text alone ("customer cannot log in", or 15 repeated
 * letters) is refused; it may accompany the reference.
 */
export const REASON_MAX_LENGTH = 500;

/**
 * Accepted references (docs/access.md lists the same):
 * - `ticket 4411`, `ticket #4411`, `ticket-4411`, `ticket: 4411` (the word is case-insensitive)
 * - `incident 12`, `incident #12`, `incident inc_8f3k2`, or an incident id on its own (`inc_…`,
 *   at least 5 characters after `inc_`, one of them a digit)
 * - a tracker key in capitals: `INC-2041`, `SUP-77`, `OPS-3` (2–10 letters or digits starting
 *   with a letter, a dash, 1–10 digits)
 * - `#1234` (a bare ticket number, 3–10 digits)
 */
const REFERENCE_PATTERNS: RegExp[] = [
  /\bticket\s*[#:-]?\s*#?\d{1,10}\b/i,
  /\bincident\s*[#:-]?\s*#?\d{1,10}\b/i,
  /\b(?:incident\s*[#:-]?\s*)?inc_(?=[A-Za-z0-9_-]*\d)[A-Za-z0-9_-]{5,64}(?![A-Za-z0-9_-])/i,
  /\b[A-Z][A-Z0-9]{1,9}-\d{1,10}\b/,
  /(?:^|[\s(,;:])#\d{3,10}\b/,
];
// Control characters (tabs and line breaks are collapsed instead) and the invisible or
// bidirectional formatting characters that would make an audit line read differently.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200b\u200c\u200e\u200f\u202a-\u202e\u2060-\u2069\ufeff]/;

export type ReasonProblem = 'reason_required' | 'reason_too_vague' | 'reason_too_long' | 'invalid_reason';
export type ReasonCheck = { ok: true; reason: string } | { ok: false; code: ReasonProblem; message: string };

const EXAMPLES = '"ticket 4411", "INC-2041", "incident inc_8f3k2", "#1234"';

export function checkAccessReason(raw: unknown): ReasonCheck {
  if (typeof raw === 'string' && CONTROL.test(raw.replace(/[\t\n\r]/g, ' '))) {
    return { ok: false, code: 'invalid_reason', message: 'The reason must not contain control or invisible formatting characters.' };
  }
  const reason = typeof raw === 'string' ? raw.replace(/\s+/g, ' ').trim() : '';
  if (!reason) {
    return { ok: false, code: 'reason_required', message: `A reason is required: a ticket or incident reference (e.g. ${EXAMPLES}).` };
  }
  if (reason.length > REASON_MAX_LENGTH) {
    return { ok: false, code: 'reason_too_long', message: `The reason must be at most ${REASON_MAX_LENGTH} characters.` };
  }
  if (REFERENCE_PATTERNS.some((p) => p.test(reason))) return { ok: true, reason };
  return { ok: false, code: 'reason_too_vague', message: `The reason must name a ticket or incident (e.g. ${EXAMPLES}).` };
}

/** The checked reason, or a 400 naming what is wrong with it. */
export function requireAccessReason(raw: unknown): string {
  const check = checkAccessReason(raw);
  if (!check.ok) throw new BadRequestError(check.code, check.message);
  return check.reason;
}

/**
 * The ticket or incident reference a checked reason names (the first one), without the free text
 * around it: what a customer's access log shows, since the rest of an engineer's reason may
 * mention other people. Null when there is none.
 */
export function referenceOf(reason: string | undefined | null): string | null {
  if (!reason) return null;
  let first: { index: number; text: string } | undefined;
  for (const pattern of REFERENCE_PATTERNS) {
    const m = pattern.exec(reason);
    if (m && (!first || m.index < first.index)) first = { index: m.index, text: m[0] };
  }
  return first ? first.text.replace(/^[\s(,;:]+/, '').trim() : null;
}
