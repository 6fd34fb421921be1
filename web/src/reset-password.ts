/**
 * /account/reset-password: without a token, asks for the email and sends the reset mail (POST
 * /v1/password/reset-request); from the mail's link (#token=…), the token is read from the
 * fragment, removed from the address bar, and posted with the new password, typed twice (POST
 * /v1/password/reset); then the page says that every session was signed out.
 */
import { api, byId, clearProblems, focusHeading, formProblem, takeFragmentToken } from './dom';

const token = takeFragmentToken();

async function requestLink(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  clearProblems('reset-request-error', ['reset-email']);
  const email = byId<HTMLInputElement>('reset-email').value.trim();
  if (!email) return formProblem('reset-request-error', 'Enter the email address of your account.', 'reset-email');
  const result = await api<{ status: string }>('POST', '/v1/password/reset-request', { body: { email } });
  if (!result.ok) return formProblem('reset-request-error', result.error.message, result.error.code === 'invalid_email' ? 'reset-email' : null);
  byId('reset-sent-email').textContent = email;
  byId('reset-request').hidden = true;
  byId('reset-sent').hidden = false;
  focusHeading('reset-sent-title');
}

async function reset(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const fields = ['reset-password', 'reset-password-again'];
  clearProblems('reset-error', fields);
  const newPassword = byId<HTMLInputElement>('reset-password').value;
  const again = byId<HTMLInputElement>('reset-password-again').value;
  if (!newPassword) return formProblem('reset-error', 'Choose a new password.', 'reset-password');
  if (newPassword !== again) return formProblem('reset-error', 'The two passwords are not the same.', 'reset-password-again');
  const result = await api('POST', '/v1/password/reset', { body: { token, newPassword } });
  if (!result.ok) {
    const { code, message } = result.error;
    if (code === 'invalid_token') {
      byId('reset').hidden = true;
      byId('reset-request').hidden = false;
      return formProblem('reset-request-error', 'That reset link does not work any more: it was used, has expired, or a newer password replaced it. Ask for a new one here.', 'reset-email');
    }
    return formProblem('reset-error', message, code.startsWith('password_') ? 'reset-password' : null);
  }
  byId<HTMLFormElement>('reset-form').reset();
  byId('reset').hidden = true;
  byId('reset-done').hidden = false;
  document.title = 'Password set · HelpShelf';
  focusHeading('reset-done-title');
}

byId<HTMLFormElement>('reset-request-form').addEventListener('submit', (e) => void requestLink(e));
byId<HTMLFormElement>('reset-form').addEventListener('submit', (e) => void reset(e));
byId(token ? 'reset' : 'reset-request').hidden = false;
