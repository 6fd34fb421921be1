/**
 * Changing the password (POST /v1/password): the current one, the new one twice. Every other
 * session and token ends; this one stays, and the sessions list is redrawn to show it.
 */
import { byId, clearProblems, formProblem } from '../dom';
import type { AccountContext, Section } from './context';

const FIELDS = ['current-password', 'new-password', 'new-password-again'];

export function passwordSection(ctx: AccountContext, onChanged: () => Promise<unknown>): Section {
  const form = byId<HTMLFormElement>('password-form');

  async function change(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    clearProblems('password-error', FIELDS);
    const currentPassword = byId<HTMLInputElement>('current-password').value;
    const newPassword = byId<HTMLInputElement>('new-password').value;
    const again = byId<HTMLInputElement>('new-password-again').value;
    if (!currentPassword) return formProblem('password-error', 'Enter your current password.', 'current-password');
    if (!newPassword) return formProblem('password-error', 'Choose a new password.', 'new-password');
    if (newPassword !== again) return formProblem('password-error', 'The two new passwords are not the same.', 'new-password-again');
    const result = await ctx.withRecentSignIn(() => ctx.call('POST', '/v1/password', { currentPassword, newPassword }));
    if (!result.ok) {
      const { code, message } = result.error;
      if (code === 'unauthorized') return;
      if (code === 'invalid_credentials') return formProblem('password-error', 'Your current password is not right.', 'current-password');
      return formProblem('password-error', message, code.startsWith('password_') ? 'new-password' : null);
    }
    form.reset();
    ctx.announce('Your password is changed. Every other session and access token was signed out; this one goes on.', 'ok');
    await onChanged();
    byId('account-status').setAttribute('tabindex', '-1');
    byId('account-status').focus();
  }

  form.addEventListener('submit', (e) => void change(e));
  return {
    show: async () => true,
    clear() {
      form.reset();
      clearProblems('password-error', FIELDS);
    },
  };
}
