/**
 * /account/verify-email#token=…: the verification mail's link. The token is read from the
 * fragment (never sent to a server as part of a URL), removed from the address bar, and posted
 * with the password chosen at signup (POST /v1/signup/verify); then the page offers sign-in.
 */
import { api, byId, clearProblems, focusHeading, formProblem, takeFragmentToken } from './dom';

const token = takeFragmentToken();

async function submit(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  clearProblems('verify-error', ['verify-password']);
  const password = byId<HTMLInputElement>('verify-password').value;
  if (!password) return formProblem('verify-error', 'Enter the password you chose when you signed up.', 'verify-password');
  const button = byId<HTMLFormElement>('verify-form').querySelector('button')!;
  button.disabled = true;
  try {
    const result = await api<{ status: string }>('POST', '/v1/signup/verify', { body: { token, password } });
    if (!result.ok) {
      // One answer for a wrong password and a used or expired link (the server tells them apart for nobody).
      if (result.error.code === 'invalid_token') {
        return formProblem('verify-error', 'This did not confirm the address: either the password is not the one chosen when signing up with this link, or the link was used or has expired. Check the password and try again, or sign up again for a new link.', 'verify-password');
      }
      return formProblem('verify-error', result.error.message);
    }
    byId<HTMLFormElement>('verify-form').reset();
    byId('verify').hidden = true;
    byId('verify-done').hidden = false;
    document.title = 'Address confirmed · HelpShelf';
    focusHeading('verify-done-title');
  } finally {
    button.disabled = false;
  }
}

if (token) {
  byId<HTMLFormElement>('verify-form').addEventListener('submit', (e) => void submit(e));
  byId('verify').hidden = false;
} else {
  byId('verify-missing').hidden = false;
}
