/**
 * Which report field an intake error code is about. lib/incidents/intake.ts names its codes after
 * the field (`missing_email`, `summary_too_long`, `credit_consent_required`…). Shared by the
 * server-rendered form and the browser script (web/src/report.ts), so both tie the same error to
 * the same field. No imports: it is bundled for the browser too.
 */
export const REPORT_FIELDS = ['email', 'summary', 'details', 'scope', 'creditAs', 'creditConsent'] as const;
export type ReportField = (typeof REPORT_FIELDS)[number];

export function fieldOfErrorCode(code: string): ReportField | undefined {
  if (/(^|_)email$/.test(code)) return 'email';
  if (/(^|_)summary(_|$)/.test(code)) return 'summary';
  if (/(^|_)details(_|$)/.test(code)) return 'details';
  if (/(^|_)scope$/.test(code)) return 'scope';
  if (/credit_as/.test(code)) return 'creditAs';
  if (/credit_consent/.test(code)) return 'creditConsent';
  return undefined;
}

/**
 * The form's fields as the JSON API's body: the checkbox becomes the boolean the API wants
 * (checked → true, unchecked → absent), everything else stays a string, so the one intake parser
 * judges both the no-JS post and the enhanced one.
 */
export function reportBodyFromForm(form: Record<string, string | undefined>, honeypotField: string): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const name of [...REPORT_FIELDS, honeypotField]) if (form[name] !== undefined) body[name] = form[name];
  if (form.creditConsent !== undefined) body.creditConsent = form.creditConsent === 'yes';
  return body;
}
