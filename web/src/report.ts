/**
 * Enhances the report form (which works without JavaScript: it posts to /security/report): the
 * report goes to POST /v1/incidents as JSON, errors appear next to their field without a page
 * load, and the receipt replaces the form. If the API cannot be reached, the form is posted the
 * plain way.
 */
import { fieldOfErrorCode, reportBodyFromForm } from '../../lib/pages/report-fields';
import { api, el, timeEl } from './dom';

interface Receipt {
  id: string;
  trackingToken: string;
  acknowledgeBy: string;
}

function clearErrors(form: HTMLFormElement): void {
  for (const node of form.querySelectorAll('.error[data-enhanced]')) node.remove();
  for (const node of form.querySelectorAll('[aria-invalid]')) {
    node.removeAttribute('aria-invalid');
    const hint = `${(node as HTMLElement).id}-hint`;
    if (document.getElementById(hint)) node.setAttribute('aria-describedby', hint);
  }
  document.getElementById('form-problem')?.remove();
}

function showProblem(form: HTMLFormElement, code: string, message: string): void {
  const field = fieldOfErrorCode(code);
  const summary = el('div', { class: 'alert', role: 'alert', id: 'form-problem', tabindex: '-1' }, el('h2', {}, 'Your report was not sent'));
  if (field) {
    const inputs = [...form.querySelectorAll<HTMLElement>(`[name="${field}"]`)];
    const first = inputs[0];
    const errorId = `${field}-error`;
    const error = el('p', { class: 'error', id: errorId, 'data-enhanced': '' }, message);
    const container = first?.closest('.field');
    container?.querySelector('.hint')?.after(error) ?? container?.prepend(error);
    for (const input of inputs) {
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', `${errorId} ${field}-hint`);
    }
    summary.append(el('p', {}, el('a', { href: `#${first?.id ?? field}` }, message)));
  } else {
    summary.append(el('p', {}, message));
  }
  form.before(summary);
  summary.focus();
}

function showReceipt(form: HTMLFormElement, receipt: Receipt): void {
  const main = document.getElementById('main')!;
  const heading = el('h1', { tabindex: '-1' }, 'Thank you: your report is in');
  const statusForm = el(
    'form',
    { method: 'post', action: '/security/report/status' },
    el('input', { type: 'hidden', name: 'id', value: receipt.id }),
    el('input', { type: 'hidden', name: 'trackingToken', value: receipt.trackingToken }),
    el('button', { type: 'submit' }, 'Check the status now'),
  );
  main.replaceChildren(
    heading,
    el('div', { class: 'notice', role: 'status' }, el('p', {}, 'We will acknowledge it by ', timeEl(receipt.acknowledgeBy), ' at the latest.')),
    el('p', {}, 'Keep these two values: together they let you check the status of your report. The tracking token is shown only on this page (and in the receipt we emailed you).'),
    el(
      'dl',
      { class: 'facts' },
      el('dt', {}, 'Report id'),
      el('dd', {}, el('code', { id: 'incident-id' }, receipt.id)),
      el('dt', {}, 'Tracking token'),
      el('dd', {}, el('code', { class: 'secret', id: 'tracking-token' }, receipt.trackingToken)),
    ),
    statusForm,
  );
  document.title = 'Report received · HelpShelf';
  form.remove();
  heading.focus();
}

function enhance(form: HTMLFormElement): void {
  const honeypot = form.querySelector<HTMLInputElement>('.trap input')?.name ?? 'website';
  let sending = false;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (sending) return;
    sending = true;
    clearErrors(form);
    const fields: Record<string, string> = {};
    for (const [name, value] of new FormData(form)) if (typeof value === 'string') fields[name] = value;
    const button = form.querySelector<HTMLButtonElement>('button[type=submit]');
    if (button) button.disabled = true;
    api<Receipt>('POST', '/v1/incidents', { body: reportBodyFromForm(fields, honeypot) })
      .then((result) => {
        if (result.ok) showReceipt(form, result.body);
        else showProblem(form, result.error.code, result.error.message);
      })
      // The API is unreachable from script (network, proxy): the plain form post still works.
      .catch(() => form.submit())
      .finally(() => {
        sending = false;
        if (button) button.disabled = false;
      });
  });
}

const form = document.getElementById('report-form');
if (form instanceof HTMLFormElement) enhance(form);
