import { parsePart } from '../http/issues';
import { MAX_EMAIL_LENGTH } from '../platform/email';
import { HONEYPOT_FIELD, incidentReportBody, type IncidentReport } from './schemas';

export { CREDIT_MAX, DETAILS_MAX, HONEYPOT_FIELD, SUMMARY_MAX, type IncidentReport } from './schemas';
export const EMAIL_MAX = MAX_EMAIL_LENGTH;

export type ParsedReport = { kind: 'report'; report: IncidentReport } | { kind: 'honeypot' };

/** A filled honeypot: nothing is stored and nobody is mailed, but the answer looks like an acceptance. */
export function isHoneypot(body: unknown): boolean {
  const value = body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[HONEYPOT_FIELD] : undefined;
  return value !== undefined && value !== null && value !== '';
}

/**
 * Checks a report from any channel against the same schema as `POST /v1/incidents`
 * (lib/incidents/schemas.ts). Text is kept exactly as typed (trimmed): HTML or script in the
 * report's text is just text and is never rendered anywhere; only `creditAs`, which is published,
 * must be a plain-text name. The honeypot is looked at only after the report passed every check:
 * an invalid report gets the same 400 with or without it, so the field never gives itself away.
 */
export function parseIncidentReport(body: unknown): ParsedReport {
  const report = parsePart(incidentReportBody, body ?? {}, 'body');
  if (isHoneypot(body)) return { kind: 'honeypot' };
  return { kind: 'report', report };
}
