/**
 * Signing in: email and password; when the throttle holds the account (429), a one-time code
 * mailed to the address (POST /v1/sessions/unlock) lets one attempt through. The "Forgot your
 * password?" and "Create an account" links are plain links in the page.
 */
import type * as z from 'zod/mini';
import type { issuedSession } from '../../../lib/identity/views';
import { api, byId, clearProblems, formProblem } from '../dom';
import { passkeySignIn } from '../factors';
import type { AccountContext } from './context';

type IssuedSession = z.output<typeof issuedSession>;

const FIELDS = ['signin-email', 'signin-password', 'signin-code', 'signin-otp'];

export function signInForm(ctx: AccountContext, onSignedIn: () => Promise<void>) {
  const form = byId<HTMLFormElement>('signin-form');
  const codeField = byId('signin-code-field');
  const otpField = byId('signin-otp-field');
  const unlock = byId('unlock');
  const value = (id: string) => byId<HTMLInputElement>(id).value;

  function offerUnlock(): void {
    unlock.hidden = false;
  }

  async function sendCode(): Promise<void> {
    const email = value('signin-email').trim();
    if (!email) return formProblem('signin-error', 'Enter your email first.', 'signin-email');
    const result = await api<{ status: string }>('POST', '/v1/sessions/unlock', { body: { email } });
    if (!result.ok) {
      const field = result.error.code === 'invalid_email' ? 'signin-email' : null;
      return formProblem('signin-error', result.error.message, field);
    }
    clearProblems('signin-error', FIELDS);
    unlock.hidden = true;
    codeField.hidden = false;
    byId<HTMLInputElement>('signin-code').required = true;
    ctx.announce('If this address has an account, a one-time code is on its way to it. Enter it with your password.');
    byId('signin-code').focus();
  }

  async function submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    clearProblems('signin-error', FIELDS);
    const email = value('signin-email').trim();
    const password = value('signin-password');
    const code = codeField.hidden ? '' : value('signin-code').trim();
    if (!email) return formProblem('signin-error', 'Enter your email.', 'signin-email');
    if (!password) return formProblem('signin-error', 'Enter your password.', 'signin-password');
    if (!codeField.hidden && !/^\d{6,8}$/.test(code)) return formProblem('signin-error', 'Enter the code from the mail: 6 to 8 digits.', 'signin-code');
    // With the authenticator app on, the second step sends its code (or a recovery code) with the password.
    const otp = otpField.hidden ? '' : value('signin-otp').replace(/\s+/g, '');
    const factor = otp === '' ? {} : /^\d{6}$/.test(otp) ? { otp } : { recoveryCode: otp };
    const result = await api<IssuedSession>('POST', '/v1/sessions', { body: { email, password, ...(code ? { code } : {}), ...factor } });
    if (!result.ok) {
      switch (result.error.code) {
        case 'second_factor_required': {
          const asked = !otpField.hidden;
          otpField.hidden = false;
          byId<HTMLInputElement>('signin-otp').value = '';
          return formProblem('signin-error', asked ? 'That code is not right (each code works once). Try the current one.' : 'Enter the code from your authenticator app.', 'signin-otp');
        }
        case 'invalid_credentials':
          return formProblem('signin-error', code ? 'The email, password or code is not right. A code works once.' : 'The email or password is not right.', 'signin-password');
        case 'too_many_attempts':
          offerUnlock();
          return formProblem('signin-error', 'Too many sign-in attempts for this account. Wait a while, or have a one-time code mailed to you to sign in now.');
        case 'invalid_email':
          return formProblem('signin-error', result.error.message, 'signin-email');
        case 'invalid_code':
          return formProblem('signin-error', result.error.message, 'signin-code');
        default:
          return formProblem('signin-error', result.error.message);
      }
    }
    await signedIn(result.body.token);
  }

  async function signedIn(token: string): Promise<void> {
    ctx.keep(token);
    form.reset();
    codeField.hidden = true;
    otpField.hidden = true;
    unlock.hidden = true;
    byId<HTMLInputElement>('signin-code').required = false;
    ctx.announce('You are signed in.');
    await onSignedIn();
  }

  async function withPasskey(): Promise<void> {
    clearProblems('signin-error', FIELDS);
    const result = await passkeySignIn();
    if (!result.ok) return formProblem('signin-error', result.error.code === 'invalid_credentials' ? 'That passkey could not sign you in.' : result.error.message);
    await signedIn(result.body.token);
  }

  form.addEventListener('submit', (e) => void submit(e));
  byId('passkey-signin').addEventListener('click', () => void withPasskey());
  byId('unlock-send').addEventListener('click', () => void sendCode());

  return {
    /** The signed-out view: the form, its problems cleared, focus on the email. */
    reset(): void {
      clearProblems('signin-error', FIELDS);
      otpField.hidden = true;
      byId<HTMLInputElement>('signin-email').focus();
    },
  };
}
