import { BadRequestError } from '../platform/errors';
import { INCIDENT_SCOPES, type IncidentScope } from './model';
import { PLAIN_NAME_RULE, plainNameProblem } from './plain-text';

export const SUMMARY_MAX = 200;
export const DETAILS_MAX = 20_000;
export const CREDIT_MAX = 100;
export const EMAIL_MAX = 254;
/** A field no person fills in (hidden in the web form); bots that fill every field give themselves away. */
export const HONEYPOT_FIELD = 'website';

export interface IncidentReport {
  email: string;
  summary: string;
  details: string;
  scope: IncidentScope;
  creditAs: string | null;
}

export type ParsedReport = { kind: 'report'; report: IncidentReport } | { kind: 'honeypot' };

// Pragmatic address check: one @, a dot in the domain, no spaces or control characters.
const EMAIL = /^[^\s@<>()[\]\\,;:"\u0000-\u001f\u007f]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
// Control characters other than tab, newline and carriage return (details may have lines).
const CONTROL_EXCEPT_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const ANY_CONTROL = /[\u0000-\u001f\u007f]/;

function requiredText(body: Record<string, unknown>, name: string, max: number, allowLines: boolean, code = name): string {
  const value = body[name];
  if (value === undefined || value === null) throw new BadRequestError(`missing_${code}`, `"${name}" is required.`);
  if (typeof value !== 'string') throw new BadRequestError(`invalid_${code}`, `"${name}" must be a string.`);
  const trimmed = value.trim();
  if (trimmed.length === 0) throw new BadRequestError(`empty_${code}`, `"${name}" must not be empty.`);
  if ([...trimmed].length > max) throw new BadRequestError(`${code}_too_long`, `"${name}" must be at most ${max} characters.`);
  if ((allowLines ? CONTROL_EXCEPT_LINES : ANY_CONTROL).test(trimmed)) {
    throw new BadRequestError(`invalid_${code}`, `"${name}" must not contain control characters${allowLines ? ' other than tabs and line breaks' : ''}.`);
  }
  return trimmed;
}

/**
 * Checks a report from `POST /v1/incidents`. Text is kept exactly as typed (trimmed): HTML or
 * script in the report's text is just text and is never rendered anywhere; only `creditAs`, which
 * is published, must be a plain-text name. A filled honeypot is reported as such, after the report
 * passed every check, so the handler can drop it quietly.
 */
export function parseIncidentReport(body: unknown): ParsedReport {
  const b = (body ?? {}) as Record<string, unknown>;

  const rawEmail = b.email;
  if (rawEmail === undefined || rawEmail === null) throw new BadRequestError('missing_email', '"email" is required.');
  if (typeof rawEmail !== 'string') throw new BadRequestError('invalid_email', '"email" must be a string.');
  const email = rawEmail.trim().toLowerCase();
  if (email.length === 0 || email.length > EMAIL_MAX || !EMAIL.test(email)) throw new BadRequestError('invalid_email', '"email" is not a valid email address.');

  const summary = requiredText(b, 'summary', SUMMARY_MAX, false);
  const details = requiredText(b, 'details', DETAILS_MAX, true);

  const scope = b.scope;
  if (scope === undefined || scope === null) throw new BadRequestError('missing_scope', '"scope" is required.');
  if (typeof scope !== 'string' || !(INCIDENT_SCOPES as readonly string[]).includes(scope)) {
    throw new BadRequestError('invalid_scope', `"scope" must be one of: ${INCIDENT_SCOPES.join(', ')}.`);
  }

  let creditAs: string | null = null;
  if (b.creditAs !== undefined && b.creditAs !== null && b.creditAs !== '') {
    creditAs = requiredText(b, 'creditAs', CREDIT_MAX, false, 'credit_as');
    // Credit is published in advisories: plain text only, refused rather than escaped.
    if (plainNameProblem(creditAs)) throw new BadRequestError('invalid_credit_as', `"creditAs" must be ${PLAIN_NAME_RULE}.`);
    // Credit is public: publish a name only when the reporter said so explicitly.
    if (b.creditConsent !== true) {
      throw new BadRequestError('credit_consent_required', '"creditAs" needs "creditConsent": true, your consent to be named in the published advisory.');
    }
  } else if (b.creditConsent !== undefined && typeof b.creditConsent !== 'boolean') {
    throw new BadRequestError('invalid_credit_consent', '"creditConsent" must be true or false.');
  }

  // The honeypot is looked at only after everything else passed: a bot's invalid report gets the
  // same 400 as anyone's, and a valid one the same 202, so the field never gives itself away.
  const honeypot = b[HONEYPOT_FIELD];
  if (honeypot !== undefined && honeypot !== null && honeypot !== '') return { kind: 'honeypot' };

  return { kind: 'report', report: { email, summary, details, scope: scope as IncidentScope, creditAs } };
}
