/**
 * /account/security, "Your data": "Download my data" (GET /v1/me/export, saved as a file through a
 * Blob and an <a download> click, no inline script) and "Delete my account" (says exactly what
 * happens, asks for the password, then DELETE /v1/me). Both reuse the page's inline "confirm it is
 * you" step when the API answers 403 recent_sign_in_required. The delete form is built when asked
 * for and removed after, so the page holds no second password field the rest of the time.
 */
import { api, byId, el, errorOf, type ApiResult } from './dom';

export interface DataRightsHost {
  token: () => string | null;
  announce: (text: string, tone?: 'ok' | 'bad') => void;
  sessionEnded: (result: ApiResult<unknown>) => boolean;
  withRecentSignIn: <T>(call: () => Promise<ApiResult<T>>) => Promise<ApiResult<T>>;
  /** The account is gone: forget the session and show the signed-out view with `message`. */
  deleted: (message: string) => void;
}

/** What deletion does, in the words the API contract and docs/data-rights.md use. */
export const DELETION_FACTS = [
  'Every session and access token stops working at once, this one included.',
  'Every connected social account is revoked at its provider.',
  'Your customer record at Stripe, our payment provider, is deleted at Stripe.',
  'Your account, tokens, passkeys, authenticator app and connections are cleared from every table.',
  'Security reports you sent are kept, as part of our security record, without your address or a link to you.',
  'No backup restore brings your account back: every restore removes deleted accounts before it is used.',
  'Your address is free: you can sign up again with it at once, as a new account.',
];

/** The message for a failed deletion, by error.code (nothing internal shown). */
export function deleteErrorText(status: number, code: string, message: string): string {
  if (code === 'invalid_credentials') return 'That password is not right. Nothing was deleted.';
  if (code === 'recent_sign_in_required') return 'Confirm it is you first: nothing was deleted. Press "Delete my account for good" again to confirm.';
  if (code === 'session_required') return 'Only a signed-in session can delete the account, not an access token. Sign in with your password and try again.';
  if (code === 'validation_failed' || status === 400) return 'Enter your password.';
  if (code === 'conflict' || status === 409) return 'Your account is changing at this moment (another request is under way). Nothing was deleted; try again in a moment.';
  if (code === 'service_unavailable' || status === 503) return 'Our payment provider is not answering, so nothing was deleted. Try again in a few minutes.';
  return message;
}

function exportFileName(now: Date): string {
  return `helpshelf-export-${now.toISOString().slice(0, 10)}.json`;
}

export function dataRights(host: DataRightsHost) {
  async function download(button: HTMLButtonElement): Promise<void> {
    button.disabled = true;
    try {
      const result = await host.withRecentSignIn(() => api<unknown>('GET', '/v1/me/export', { token: host.token() }));
      if (host.sessionEnded(result)) return;
      if (result.status !== 200) return host.announce(`Could not download your data: ${errorOf(result).message}`, 'bad');
      const blob = new Blob([JSON.stringify(result.body, null, 2)], { type: 'application/json' });
      const url = URL.createObjectURL(blob);
      const link = el('a', { href: url, download: exportFileName(new Date()), hidden: '' });
      document.body.append(link);
      link.click();
      link.remove();
      // The download has its own copy once started; the object URL is released a little later.
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      host.announce('Your data is downloaded as a JSON file.', 'ok');
    } finally {
      button.disabled = false;
    }
  }

  function showDeleteError(message: string | null): void {
    const node = byId('delete-error');
    node.textContent = message ?? '';
    node.hidden = message === null;
    if (message !== null) node.focus();
  }

  function openDelete(): void {
    byId('delete-start').hidden = true;
    byId('delete-slot').replaceChildren(
      el(
        'div',
        { id: 'delete-box', class: 'notice', tabindex: '-1', 'aria-labelledby': 'delete-box-title' },
        el('h3', { id: 'delete-box-title' }, 'Deleting your account'),
        el('p', {}, 'This cannot be undone. When you confirm:'),
        el('ul', { id: 'delete-facts' }, ...DELETION_FACTS.map((fact) => el('li', {}, fact))),
        el('div', { class: 'alert', role: 'alert', id: 'delete-error', tabindex: '-1', hidden: '' }),
        el(
          'form',
          { id: 'delete-form', novalidate: '' },
          el(
            'div',
            { class: 'field' },
            el('label', { for: 'delete-password' }, 'Your password'),
            el('p', { class: 'hint', id: 'delete-password-hint' }, 'To be sure it is you who asks.'),
            el('input', { id: 'delete-password', name: 'password', type: 'password', autocomplete: 'current-password', required: '', 'aria-describedby': 'delete-password-hint' }),
          ),
          el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'danger' }, 'Delete my account for good'), el('button', { type: 'button', id: 'delete-cancel', class: 'secondary' }, 'Keep my account')),
        ),
      ),
    );
    byId<HTMLFormElement>('delete-form').addEventListener('submit', (e) => void submitDelete(e));
    byId('delete-cancel').addEventListener('click', () => {
      closeDelete();
      byId('delete-start').focus();
    });
    byId('delete-box').focus();
  }

  function closeDelete(): void {
    byId('delete-slot').replaceChildren();
    byId('delete-start').hidden = false;
  }

  async function submitDelete(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const password = byId<HTMLInputElement>('delete-password').value;
    if (!password) {
      showDeleteError('Enter your password.');
      byId('delete-password').focus();
      return;
    }
    const submit = form.querySelector<HTMLButtonElement>('button[type="submit"]');
    if (submit) submit.disabled = true;
    let result: ApiResult<{ status: string }>;
    try {
      result = await host.withRecentSignIn(() => api<{ status: string }>('DELETE', '/v1/me', { token: host.token(), body: { password } }));
    } finally {
      if (submit) submit.disabled = false;
    }
    if (result.status === 202) {
      closeDelete();
      host.deleted('Your account is deleted. Every session and token has stopped working; you can sign up again with the same address whenever you like.');
      return;
    }
    const { code, message } = errorOf(result);
    // A wrong password is a 401 too, but the session is still good: say so, stay here.
    if (code !== 'invalid_credentials' && host.sessionEnded(result)) return;
    // Focused, as the sign-in form's error is: the password field is the next stop from it.
    showDeleteError(deleteErrorText(result.status, code, message));
  }

  byId<HTMLButtonElement>('export-data').addEventListener('click', (e) => void download(e.currentTarget as HTMLButtonElement));
  byId('delete-start').addEventListener('click', openDelete);

  return {
    clear(): void {
      closeDelete();
    },
  };
}
