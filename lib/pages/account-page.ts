import { field, formAlert, passwordRules } from './account-forms';
import type { PageAssets } from './assets';
import { html } from './html';
import { page } from './layout';

/**
 * The account security page is a shell: signing in, the sessions and access tokens, changing the
 * password, the connected social accounts, the access log (engineer access to the customer's data), "Your data" (download it, delete the account) and every action run in the browser against the
 * same-origin JSON API (web/src/account.ts and one module per section in web/src/account/), with
 * the session token kept in this tab's sessionStorage only — never localStorage, a cookie or a
 * URL. The server renders no personal data, so the shell may be cached like any static page.
 *
 * A section is one container here (a `<section>` with its own heading) and one module there.
 */
export function renderAccountPage(assets: PageAssets, options: { minPasswordLength: number }): string {
  const main = html`<h1>Your account security</h1>
<noscript><div class="alert"><p>This page needs JavaScript: your sign-in lives only in this browser tab's memory, never in a cookie, so the page itself talks to the API. Everything else on this site works without JavaScript.</p></div></noscript>
<div id="account-status" role="status" aria-live="polite" tabindex="-1"></div>
<section id="signed-out" aria-labelledby="signin-title" hidden>
<h2 id="signin-title">Sign in</h2>
${formAlert('signin-error')}
<form id="signin-form" novalidate aria-labelledby="signin-title">
${field({ id: 'signin-email', name: 'email', label: 'Email', type: 'email', autocomplete: 'username' })}
${field({ id: 'signin-password', name: 'password', label: 'Password', type: 'password', autocomplete: 'current-password' })}
<div id="signin-otp-field" hidden>${field({ id: 'signin-otp', name: 'otp', label: 'Code from your authenticator app', type: 'text', autocomplete: 'one-time-code', required: false, hint: 'The 6-digit code, or one of your recovery codes.', attrs: html` inputmode="numeric" maxlength="16"` })}</div>
<div id="signin-code-field" hidden>${field({ id: 'signin-code', name: 'code', label: 'One-time code', type: 'text', autocomplete: 'one-time-code', required: false, hint: 'The 6 to 8 digits from the mail we just sent. It works once, for 15 minutes.', attrs: html` inputmode="numeric" maxlength="8"` })}</div>
<button type="submit">Sign in</button>
</form>
<div id="unlock" class="notice" hidden>
<p>Sign-in attempts for this account are held back after too many wrong passwords. We can mail a one-time code to the address: with it and your password, you can sign in now.</p>
<button type="button" id="unlock-send" class="secondary">Email me a one-time code</button>
</div>
<p id="passkey-signin-hint">Or sign in with a passkey: no email, no password.</p>
<div class="actions"><button type="button" id="passkey-signin" class="secondary" aria-describedby="passkey-signin-hint">Use a passkey</button></div>
<p><a href="/account/reset-password">Forgot your password?</a> · <a href="/account/signup">Create an account</a></p>
</section>
<div id="signed-in" hidden>
<h2 id="account-title">Signed in as <span id="account-email"></span></h2>
<div class="actions"><button type="button" id="sign-out" class="secondary">Sign out</button>
<button type="button" id="revoke-all" class="danger">Sign out everywhere</button></div>
<p class="hint">Signing out everywhere ends every session and revokes every access token, this one included.</p>
<section aria-labelledby="sessions-title">
<h2 id="sessions-title">Where you are signed in</h2>
<p>Each sign-in, with the browser and address it came from. Sign out any you do not recognise; it stops working at once.</p>
<table class="rows" aria-labelledby="sessions-title"><thead><tr><th scope="col">Browser</th><th scope="col">Address</th><th scope="col">Signed in</th><th scope="col">Last used</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody id="sessions"></tbody></table>
</section>
<section aria-labelledby="tokens-title">
<h2 id="tokens-title">Access tokens</h2>
<p>Programs that act for you with a token of their own. Revoke any you do not recognise.</p>
<p id="tokens-empty" hidden>You have no access tokens.</p>
<table id="tokens-table" class="rows" aria-labelledby="tokens-title" hidden><thead><tr><th scope="col">Name</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Expires</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody id="tokens"></tbody></table>
<h3 id="create-title">Create an access token</h3>
${formAlert('create-token-error')}
<form id="create-token-form" novalidate aria-labelledby="create-title">
${field({ id: 'token-name', name: 'name', label: 'Name', type: 'text', hint: 'What will use it, e.g. "backup script".', attrs: html` maxlength="100"` })}
${field({ id: 'token-days', name: 'expiresInDays', label: 'Expires in (days)', type: 'number', required: false, hint: '1 to 365; 90 if left empty.', attrs: html` min="1" max="365" inputmode="numeric"` })}
<button type="submit">Create token</button>
</form>
<div id="new-token" class="notice" hidden tabindex="-1" aria-labelledby="new-token-title">
<h3 id="new-token-title">Your new token</h3>
<p>Copy it now: it is shown only once.</p>
<code class="secret" id="new-token-value"></code>
<div class="actions"><button type="button" id="copy-token" class="secondary">Copy token</button><button type="button" id="dismiss-token" class="secondary">Done</button></div>
<p id="copy-result" role="status"></p>
</div>
</section>
<section aria-labelledby="password-title">
<h2 id="password-title">Change your password</h2>
<p>Every other session and access token is signed out; this one goes on.</p>
${formAlert('password-error')}
<form id="password-form" novalidate aria-labelledby="password-title">
${field({ id: 'current-password', name: 'currentPassword', label: 'Current password', type: 'password', autocomplete: 'current-password' })}
${field({ id: 'new-password', name: 'newPassword', label: 'New password', type: 'password', autocomplete: 'new-password', hint: passwordRules(options.minPasswordLength) })}
${field({ id: 'new-password-again', name: 'newPasswordAgain', label: 'New password again', type: 'password', autocomplete: 'new-password' })}
<button type="submit">Change password</button>
</form>
</section>
<section aria-labelledby="connections-title">
<h2 id="connections-title">Connected social accounts</h2>
<p>HelpShelf reads from and posts to these accounts for you, each with its own permission from the provider. Disconnecting withdraws that permission at the provider and deletes it here.</p>
<p id="connections-empty" hidden>No social account is connected.</p>
<table id="connections-table" class="rows" aria-labelledby="connections-title" hidden><thead><tr><th scope="col">Account</th><th scope="col">Permissions</th><th scope="col">Status</th><th scope="col">Connected</th><th scope="col">Last used</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody id="connections"></tbody></table>
<div role="group" aria-labelledby="connect-title" id="connect-group" hidden>
<h3 id="connect-title">Connect an account</h3>
<p class="hint">You are taken to the provider to give permission, then back here.</p>
<div class="actions" id="providers"></div>
</div>
</section>
<section aria-labelledby="passkeys-title">
<h2 id="passkeys-title">Passkeys</h2>
<p>A passkey signs you in with your device's screen lock: nothing to type, nothing a fake site can reuse.</p>
<p id="passkeys-empty" hidden>No passkey yet.</p>
<table id="passkeys-table" class="rows" aria-labelledby="passkeys-title" hidden><thead><tr><th scope="col">Name</th><th scope="col">Added</th><th scope="col">Last used</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody id="passkeys"></tbody></table>
<form id="add-passkey-form" novalidate aria-labelledby="add-passkey-title">
<h3 id="add-passkey-title">Add a passkey</h3>
<div class="field"><label for="passkey-name">Device</label><p class="hint" id="passkey-name-hint">What you will call it, e.g. "Work laptop".</p><p class="error" id="passkey-name-error" hidden></p><input id="passkey-name" name="name" type="text" maxlength="64" aria-describedby="passkey-name-hint"></div>
<div class="actions"><button type="submit" id="add-passkey">Add a passkey</button></div></form>
</section>
<section aria-labelledby="totp-title">
<h2 id="totp-title">Authenticator app</h2>
<p id="totp-state"></p>
<div class="actions"><button type="button" id="totp-setup">Set up an authenticator app</button><button type="button" id="totp-off" class="danger" hidden>Turn off the authenticator app</button></div>
<div id="totp-enrol" class="notice" hidden tabindex="-1" aria-labelledby="totp-enrol-title">
<h3 id="totp-enrol-title">Scan this code with your authenticator app</h3>
<div id="totp-qr" role="img" aria-label="QR code of the authenticator app's secret"></div>
<p>Or type this secret: <code class="secret" id="totp-secret"></code></p>
<form id="totp-confirm-form" novalidate><div class="field"><label for="totp-code">The 6-digit code it shows</label><p class="error" id="totp-code-error" hidden></p><input id="totp-code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="8"></div>
<div class="actions"><button type="submit">Turn it on</button></div></form></div>
<div id="recovery-codes-box" class="notice" hidden tabindex="-1" aria-labelledby="recovery-title">
<h3 id="recovery-title">Your recovery codes</h3>
<p>Each works once if you lose your phone. They are shown only now: keep them somewhere safe.</p>
<ul id="recovery-codes" class="secret"></ul>
<div class="actions"><button type="button" id="recovery-done" class="secondary">I have saved them</button></div></div>
</section>
<section aria-labelledby="events-title">
<h2 id="events-title">Security events</h2>
<p id="events-empty" hidden>No change to how you sign in yet.</p>
<ul id="security-events"></ul>
</section>
<div id="confirm-box-slot"></div>
<section aria-labelledby="access-log-title">
<h2 id="access-log-title">Access to your data</h2>
<p>Every time one of our engineers viewed your account record, took emergency access to it, or restored (or test-restored) a backup holding your data, newest first, with the ticket or incident it was for. Engineers are named by team role only.</p>
<p id="access-log-empty" hidden>Nobody has accessed your data.</p>
<table id="access-log-table" class="rows" aria-labelledby="access-log-title" hidden><thead><tr><th scope="col">When</th><th scope="col">What</th><th scope="col">Ticket or incident</th><th scope="col">Who</th></tr></thead>
<tbody id="access-log"></tbody></table>
</section>
<section aria-labelledby="data-title">
<h2 id="data-title">Your data</h2>
<p id="export-hint">One JSON file of everything we hold about you: your account, billing, sessions and tokens (never their values), connected accounts, passkeys, the security reports you sent with their updates, the access log above and your security events.</p>
<div class="actions"><button type="button" id="export-data" class="secondary" aria-describedby="export-hint">Download my data</button></div>
<h3 id="delete-title">Delete your account</h3>
<p id="delete-hint">Deletes your account and everything we hold about you, at once and for good. You are told exactly what happens before anything is deleted.</p>
<div class="actions"><button type="button" id="delete-start" class="danger" aria-describedby="delete-hint">Delete my account</button></div>
<div id="delete-slot"></div>
</section>
</div>`;
  return page({ title: 'Your account security', path: '/account/security', assets, main, scripts: ['account'] });
}
