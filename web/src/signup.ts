/**
 * /account/signup: email, name, password → POST /v1/signup; then "check your mail". The server's
 * refusal is shown on the field it concerns, chosen by its error code.
 */
import { api, byId, clearProblems, focusHeading, formProblem } from './dom';

const FIELDS = ['signup-email', 'signup-name', 'signup-password'];

/** The field an error code of POST /v1/signup is about (API.md: `invalid_email`, `invalid_name`, the policy's `password_*`). */
function fieldOf(code: string): string | null {
  if (code === 'invalid_email') return 'signup-email';
  if (code === 'invalid_name') return 'signup-name';
  if (code.startsWith('password_')) return 'signup-password';
  return null;
}

async function submit(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  clearProblems('signup-error', FIELDS);
  const email = byId<HTMLInputElement>('signup-email').value.trim();
  const name = byId<HTMLInputElement>('signup-name').value.trim();
  const password = byId<HTMLInputElement>('signup-password').value;
  if (!email) return formProblem('signup-error', 'Enter your email address.', 'signup-email');
  if (!password) return formProblem('signup-error', 'Choose a password.', 'signup-password');
  const button = byId<HTMLButtonElement>('signup-form').querySelector('button')!;
  button.disabled = true;
  try {
    const result = await api<{ status: string }>('POST', '/v1/signup', { body: name ? { email, name, password } : { email, password } });
    if (!result.ok) return formProblem('signup-error', result.error.message, fieldOf(result.error.code));
    byId<HTMLFormElement>('signup-form').reset();
    byId('signup-done-email').textContent = email;
    byId('signup').hidden = true;
    byId('signup-done').hidden = false;
    document.title = 'Check your mail · HelpShelf';
    focusHeading('signup-done-title');
  } finally {
    button.disabled = false;
  }
}

byId<HTMLFormElement>('signup-form').addEventListener('submit', (e) => void submit(e));
byId('signup').hidden = false;
