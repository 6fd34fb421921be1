import { CREDIT_MAX, DETAILS_MAX, EMAIL_MAX, HONEYPOT_FIELD, SUMMARY_MAX } from '../incidents/intake';
import type { PageAssets } from './assets';
import { html, type Html } from './html';
import type { ReportField } from './report-fields';
import { page, time } from './layout';

export { fieldOfErrorCode, REPORT_FIELDS, type ReportField } from './report-fields';
export type ReportValues = Partial<Record<ReportField, string>>;

export interface FormProblem {
  field?: ReportField;
  message: string;
}

function errorFor(problem: FormProblem | undefined, field: ReportField): { attrs: Html; message: Html } {
  if (problem?.field !== field) return { attrs: html``, message: html`` };
  return {
    attrs: html` aria-invalid="true" aria-describedby="${field}-error ${field}-hint"`,
    message: html`<p class="error" id="${field}-error">${problem.message}</p>`,
  };
}

export function renderReportForm(assets: PageAssets, values: ReportValues = {}, problem?: FormProblem): string {
  const e = (f: ReportField) => errorFor(problem, f);
  const described = (f: ReportField) => (problem?.field === f ? html`` : html` aria-describedby="${f}-hint"`);
  const scope = values.scope ?? 'security';
  const summaryBox = problem
    ? html`<div class="alert" role="alert" id="form-problem" tabindex="-1"><h2>Your report was not sent</h2><p>${
        problem.field ? html`<a href="#${problem.field}">${problem.message}</a>` : problem.message
      }</p></div>`
    : html``;
  const main = html`<h1>Report a vulnerability</h1>
<p>Tell us what you found. We acknowledge every report within one business day, give you a point of contact, and publish nothing until it is fixed.</p>
${summaryBox}
<form method="post" action="/security/report" id="report-form" novalidate>
<div class="field"><label for="email">Your email</label>
<p class="hint" id="email-hint">Where we send the acknowledgement and updates.</p>${e('email').message}
<input id="email" name="email" type="email" autocomplete="email" required maxlength="${EMAIL_MAX}" value="${values.email ?? ''}"${e('email').attrs}${described('email')}></div>
<fieldset class="field"><legend>What is it about?</legend>
<p class="hint" id="scope-hint">A security issue goes to the security team; a problem with one account to support.</p>${e('scope').message}
<div class="check"><input type="radio" id="scope-security" name="scope" value="security"${scope === 'security' ? html` checked` : ''}${e('scope').attrs}><label for="scope-security">A security vulnerability</label></div>
<div class="check"><input type="radio" id="scope-account" name="scope" value="account"${scope === 'account' ? html` checked` : ''}${e('scope').attrs}><label for="scope-account">A problem with my account</label></div>
</fieldset>
<div class="field"><label for="summary">Summary</label>
<p class="hint" id="summary-hint">One line, at most ${SUMMARY_MAX} characters.</p>${e('summary').message}
<input id="summary" name="summary" type="text" required maxlength="${SUMMARY_MAX}" value="${values.summary ?? ''}"${e('summary').attrs}${described('summary')}></div>
<div class="field"><label for="details">Details</label>
<p class="hint" id="details-hint">Steps to reproduce, impact, and anything that helps us (at most ${DETAILS_MAX} characters).</p>${e('details').message}
<textarea id="details" name="details" required maxlength="${DETAILS_MAX}"${e('details').attrs}${described('details')}>${values.details ?? ''}</textarea></div>
<div class="field"><label for="creditAs">Credit me as (optional)</label>
<p class="hint" id="creditAs-hint">The name to print in the advisory once the issue is fixed.</p>${e('creditAs').message}
<input id="creditAs" name="creditAs" type="text" maxlength="${CREDIT_MAX}" value="${values.creditAs ?? ''}"${e('creditAs').attrs}${described('creditAs')}></div>
<div class="field">${e('creditConsent').message}<div class="check"><input type="checkbox" id="creditConsent" name="creditConsent" value="yes"${values.creditConsent === 'yes' ? html` checked` : ''}${e('creditConsent').attrs}${described('creditConsent')}>
<label for="creditConsent">I agree to be named in the published advisory</label></div>
<p class="hint" id="creditConsent-hint">Needed only if you gave a name above.</p></div>
<div class="trap" aria-hidden="true"><label for="${HONEYPOT_FIELD}">Leave this empty</label><input id="${HONEYPOT_FIELD}" name="${HONEYPOT_FIELD}" type="text" tabindex="-1" autocomplete="off"></div>
<button type="submit">Send report</button>
</form>`;
  return page({ title: problem ? 'Report not sent' : 'Report a vulnerability', path: '/security/report', assets, main, scripts: ['report'] });
}

export interface ReceivedReport {
  id: string;
  trackingToken: string;
  acknowledgeBy: string;
}

export function renderReportReceived(assets: PageAssets, received: ReceivedReport): string {
  const main = html`<h1>Thank you: your report is in</h1>
<div class="notice" role="status"><p>We will acknowledge it by ${time(received.acknowledgeBy)} at the latest.</p></div>
<p>Keep these two values: together they let you check the status of your report. The tracking token is shown only on this page (and in the receipt we emailed you).</p>
<dl class="facts"><dt>Report id</dt><dd><code id="incident-id">${received.id}</code></dd>
<dt>Tracking token</dt><dd><code class="secret" id="tracking-token">${received.trackingToken}</code></dd></dl>
<form method="post" action="/security/report/status">
<input type="hidden" name="id" value="${received.id}"><input type="hidden" name="trackingToken" value="${received.trackingToken}">
<button type="submit">Check the status now</button></form>`;
  return page({ title: 'Report received', path: '/security/report', assets, main });
}
