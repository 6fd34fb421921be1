import { field, formAlert, NEEDS_SCRIPT, passwordRules } from './account-forms';
import type { PageAssets } from './assets';
import { html } from './html';
import { page } from './layout';

/**
 * The pages of the account journey before a session exists: signing up, the verification mail's
 * link, and the forgotten password (asking for the mail, and its link). Shells like the account
 * page: the browser scripts (web/src/signup.ts, verify-email.ts, reset-password.ts) post to the
 * JSON API. A mailed token stays in the link's fragment (`#token=…`), which browsers never send to
 * a server nor put in a Referer; the script reads it, removes it from the address bar and posts it.
 * No personal data in the markup: cacheable like any static page.
 */
export interface JourneyOptions {
  minPasswordLength: number;
}

export function renderSignupPage(assets: PageAssets, options: JourneyOptions): string {
  const main = html`<h1>Create your HelpShelf account</h1>
${NEEDS_SCRIPT}
<div id="signup-status" role="status" aria-live="polite"></div>
<section id="signup" aria-labelledby="signup-title" hidden>
<h2 id="signup-title">Your details</h2>
${formAlert('signup-error')}
<form id="signup-form" novalidate aria-labelledby="signup-title">
${field({ id: 'signup-email', name: 'email', label: 'Email', type: 'email', autocomplete: 'email', hint: 'We send a link to this address to confirm it is yours.' })}
${field({ id: 'signup-name', name: 'name', label: 'Name (optional)', type: 'text', autocomplete: 'name', required: false, hint: 'How HelpShelf greets you; at most 100 characters.', attrs: html` maxlength="100"` })}
${field({ id: 'signup-password', name: 'password', label: 'Password', type: 'password', autocomplete: 'new-password', hint: passwordRules(options.minPasswordLength) })}
<button type="submit">Create account</button>
</form>
<p>Already have an account? <a href="/account/security">Sign in</a>.</p>
</section>
<section id="signup-done" class="notice" aria-labelledby="signup-done-title" hidden>
<h2 id="signup-done-title">Check your mail</h2>
<p>If <strong id="signup-done-email"></strong> can be used for a new account, a link to confirm it is on its way. Open it within 24 hours; you will be asked for the password you just chose.</p>
<p>Nothing there? Look in the spam folder, or <a href="/account/signup">sign up again</a> for a new link.</p>
</section>`;
  return page({ title: 'Create your account', path: '/account/signup', assets, main, scripts: ['signup'] });
}

export function renderVerifyEmailPage(assets: PageAssets): string {
  const main = html`<h1>Confirm your email address</h1>
${NEEDS_SCRIPT}
<div id="verify-status" role="status" aria-live="polite"></div>
<section id="verify-missing" class="alert" aria-labelledby="verify-missing-title" hidden>
<h2 id="verify-missing-title">Open the link from the mail</h2>
<p>This page confirms an address from the link in the mail we sent when you signed up. Open that link again (it works once, for 24 hours), or <a href="/account/signup">sign up again</a> for a new one.</p>
</section>
<section id="verify" aria-labelledby="verify-title" hidden>
<h2 id="verify-title">Enter the password you chose</h2>
<p>Only whoever signed up can confirm the address: enter the password chosen when signing up with it.</p>
${formAlert('verify-error')}
<form id="verify-form" novalidate aria-labelledby="verify-title">
${field({ id: 'verify-password', name: 'password', label: 'Password', type: 'password', autocomplete: 'current-password' })}
<button type="submit">Confirm my address</button>
</form>
</section>
<section id="verify-done" class="notice" aria-labelledby="verify-done-title" hidden>
<h2 id="verify-done-title">Your address is confirmed</h2>
<p>Your account is ready. <a href="/account/security">Sign in</a> with your email and password.</p>
</section>`;
  return page({ title: 'Confirm your email address', path: '/account/verify-email', assets, main, scripts: ['verify-email'] });
}

export function renderResetPasswordPage(assets: PageAssets, options: JourneyOptions): string {
  const main = html`<h1>Reset your password</h1>
${NEEDS_SCRIPT}
<div id="reset-status" role="status" aria-live="polite"></div>
<section id="reset-request" aria-labelledby="reset-request-title" hidden>
<h2 id="reset-request-title">Get a reset link</h2>
<p>Enter the address of your account: we mail it a link to choose a new password.</p>
${formAlert('reset-request-error')}
<form id="reset-request-form" novalidate aria-labelledby="reset-request-title">
${field({ id: 'reset-email', name: 'email', label: 'Email', type: 'email', autocomplete: 'username' })}
<button type="submit">Send the link</button>
</form>
</section>
<section id="reset-sent" class="notice" aria-labelledby="reset-sent-title" hidden>
<h2 id="reset-sent-title">Check your mail</h2>
<p>If <strong id="reset-sent-email"></strong> has an account, a link to reset its password is on its way. It works once, for an hour.</p>
</section>
<section id="reset" aria-labelledby="reset-title" hidden>
<h2 id="reset-title">Choose a new password</h2>
<p>Setting it signs out every session and revokes every access token of the account.</p>
${formAlert('reset-error')}
<form id="reset-form" novalidate aria-labelledby="reset-title">
${field({ id: 'reset-password', name: 'newPassword', label: 'New password', type: 'password', autocomplete: 'new-password', hint: passwordRules(options.minPasswordLength) })}
${field({ id: 'reset-password-again', name: 'newPasswordAgain', label: 'New password again', type: 'password', autocomplete: 'new-password' })}
<button type="submit">Set the new password</button>
</form>
</section>
<section id="reset-done" class="notice" aria-labelledby="reset-done-title" hidden>
<h2 id="reset-done-title">Your password is set</h2>
<p>Every session and access token of the account was signed out. <a href="/account/security">Sign in</a> with the new password.</p>
</section>`;
  return page({ title: 'Reset your password', path: '/account/reset-password', assets, main, scripts: ['reset-password'] });
}
