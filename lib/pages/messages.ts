import type { ReportField } from './report-fields';

/**
 * What a person reads next to a field when the report is refused. The intake's own messages are
 * written for API clients (`"email" is not a valid email address.`); the codes are the contract,
 * so the page words them for people and falls back to the intake's message for any other code.
 */
const FRIENDLY: Record<string, string> = {
  missing_email: 'Enter your email address, so we can answer you.',
  invalid_email: 'Enter a valid email address, like name@example.com.',
  missing_summary: 'Enter a one-line summary.',
  empty_summary: 'Enter a one-line summary.',
  missing_details: 'Describe what you found.',
  empty_details: 'Describe what you found.',
  missing_scope: 'Choose what the report is about.',
  invalid_scope: 'Choose what the report is about.',
  credit_consent_required: 'To be credited by name, tick the box agreeing to be named in the advisory (or leave the name empty).',
  too_many_reports: 'Too many reports were sent from your address in the last hour. Please try again later, or email security@ directly.',
};

export function reportProblemMessage(code: string, fallback: string): string {
  return FRIENDLY[code] ?? fallback;
}

export type { ReportField };
