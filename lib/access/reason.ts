/**
 * Why an engineer may open one customer's record. The Security page promises individual records
 * are read only "to carry out a customer support request or a significant systems issue", so a
 * reason must point at one: a ticket or incident reference, or a sentence that explains itself.
 */
export const REASON_MIN_TEXT_LENGTH = 15;
export const REASON_MAX_LENGTH = 500;

/**
 * Accepted references (case-insensitive):
 * - `ticket 4411`, `ticket #4411`, `ticket-4411`, `ticket: 4411`
 * - `incident 12`, `incident inc_8f3k2`, `incident #12`
 * - a tracker key such as `INC-2041`, `SUP-77`, `OPS-3` (2–10 letters, a dash, digits)
 * - `#1234` (a bare ticket number, at least 3 digits)
 */
const REFERENCE_PATTERNS: RegExp[] = [
  /\bticket\s*[#:-]?\s*#?\d+\b/i,
  /\bincident\s*[#:-]?\s*#?[a-z0-9][a-z0-9_-]*\d[a-z0-9_-]*\b/i,
  /\b[a-z]{2,10}-\d+\b/i,
  /(?:^|\s)#\d{3,}\b/,
];

export type ReasonCheck = { ok: true; reason: string } | { ok: false; code: 'reason_required' | 'reason_too_vague' | 'reason_too_long'; message: string };

export function checkAccessReason(raw: unknown): ReasonCheck {
  const reason = typeof raw === 'string' ? raw.replace(/\s+/g, ' ').trim() : '';
  if (!reason) {
    return { ok: false, code: 'reason_required', message: 'A reason is required: a ticket or incident reference (e.g. "ticket 4411", "INC-2041", "#1234") or at least 15 characters of explanation.' };
  }
  if (reason.length > REASON_MAX_LENGTH) {
    return { ok: false, code: 'reason_too_long', message: `The reason must be at most ${REASON_MAX_LENGTH} characters.` };
  }
  if (REFERENCE_PATTERNS.some((p) => p.test(reason))) return { ok: true, reason };
  const letters = reason.replace(/[^\p{L}]/gu, '').length;
  if (reason.length >= REASON_MIN_TEXT_LENGTH && letters >= 8) return { ok: true, reason };
  return {
    ok: false,
    code: 'reason_too_vague',
    message: 'The reason must name a ticket or incident (e.g. "ticket 4411", "INC-2041", "#1234") or explain the access in at least 15 characters.',
  };
}
