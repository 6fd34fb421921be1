/**
 * /account/security, "Your data": "Download my data" (GET /v1/me/export, saved as a file through a
 * Blob and an <a download> click, no inline script) and "Delete my account" (says exactly what
 * happens, asks for the password, then DELETE /v1/me). Both go through the page's inline "confirm
 * it is you" step (web/src/factors.ts) when the API answers 403 recent_sign_in_required. The
 * delete form is built when asked for and removed after, so the page holds no second password
 * field the rest of the time.
 */
import { byId, el } from '../dom';
import type { AccountContext, Section } from './context';

/** What deletion does, in the words of the API contract and docs/data-rights.md. */
export const DELETION_FACTS = [
  'Every session and access token stops working at once, this one included.',
  'Every connected social account is revoked at its provider.',
  'Your customer record at Stripe, our payment provider, is deleted at Stripe.',
  'Your account, tokens, passkeys, authenticator app and connections are cleared from every table.',
  'Security reports you sent are kept, as part of our security record, without your address or a link to you.',
  'No backup restore brings your account back: every restore removes deleted accounts before it is used.',
  'Your address is free: you can sign up again with it at once, as a new account.',
];

/** The sentence for a refused deletion, by error.code (nothing internal shown). */
export function deleteErrorText(code: string, message: string): string {
  switch (code) {
    case 'invalid_credentials':
      return 'That password is not right. Nothing was deleted.';
    case 'recent_sign_in_required':
      return 'Confirm it is you first: nothing was deleted. Press "Delete my account for good" again to confirm.';
    case 'session_required':
      return 'Only a signed-in session can delete the account, not an access token. Sign in with your password and try again.';
    case 'validation_failed':
      return 'Enter your password.';
    case 'conflict':
      return 'Your account is changing at this moment (another request is under way). Nothing was deleted; try again in a moment.';
    case 'service_unavailable':
      return 'Our payment provider is not answering, so nothing was deleted. Try again in a few minutes.';
    default:
      return message;
  }
}

export function dataRightsSection(ctx: AccountContext): Section {
  async function download(button: HTMLButtonElement): Promise<void> {
    button.disabled = true;
    try {
      const result = await ctx.withRecentSignIn(() => ctx.call<unknown>('GET', '/v1/me/export'));
      if (!result.ok) {
        if (result.error.code !== 'unauthorized') ctx.announce(`Could not download your data: ${result.error.message}`, 'bad');
        return;
      }
      const blob = new Blob([JSON.stringify(result.body, null, 2)], { type: 'application/json' });
      const url = URL.createObjectURL(blob);
      const link = el('a', { href: url, download: `helpshelf-export-${new Date().toISOString().slice(0, 10)}.json`, hidden: '' });
      document.body.append(link);
      link.click();
      link.remove();
      // The download holds its own copy once started; the object URL is released a little later.
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      ctx.announce('Your data is downloaded as a JSON file.', 'ok');
    } finally {
      button.disabled = false;
    }
  }

  function showDeleteError(message: string): void {
    const node = byId('delete-error');
    node.textContent = message;
    node.hidden = false;
    node.focus();
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
          { id: 'delete-form', novalidate: '', 'aria-labelledby': 'delete-box-title' },
          el(
            'div',
            { class: 'field' },
            el('label', { for: 'delete-password' }, 'Your password, to confirm'),
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
    const password = byId<HTMLInputElement>('delete-password').value;
    if (!password) return showDeleteError('Enter your password.');
    const submit = (event.currentTarget as HTMLFormElement).querySelector<HTMLButtonElement>('button[type="submit"]');
    if (submit) submit.disabled = true;
    try {
      const result = await ctx.withRecentSignIn(() => ctx.call<{ status: string }>('DELETE', '/v1/me', { password }));
      if (result.ok) {
        closeDelete();
        ctx.signedOut();
        ctx.announce('Your account is deleted. Every session and token has stopped working; you can sign up again with the same address whenever you like.', 'ok');
        byId('account-status').focus();
        return;
      }
      // A refused session (`unauthorized`) has already signed the page out; anything else is said here, focused.
      if (result.error.code !== 'unauthorized') showDeleteError(deleteErrorText(result.error.code, result.error.message));
    } finally {
      if (submit?.isConnected) submit.disabled = false;
    }
  }

  byId<HTMLButtonElement>('export-data').addEventListener('click', (e) => void download(e.currentTarget as HTMLButtonElement));
  byId('delete-start').addEventListener('click', openDelete);

  return { show: async () => true, clear: closeDelete };
}
