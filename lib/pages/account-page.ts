import type { PageAssets } from './assets';
import { html } from './html';
import { page } from './layout';

/**
 * The account security page is a shell: signing in, the token list, the connected social accounts,
 * the access log (engineer access to the customer's data), "Your data" (download it, delete the account)
 * and every action run in the browser against the same-origin JSON API (web/src/account.ts), with
 * the session token kept in this tab's sessionStorage only — never localStorage, a cookie or a
 * URL. The server renders no personal data, so the shell may be cached like any static page.
 */
export function renderAccountPage(assets: PageAssets): string {
  const main = html`<h1>Your account security</h1>
<noscript><div class="alert"><p>This page needs JavaScript: your sign-in lives only in this browser tab's memory, never in a cookie, so the page itself talks to the API. Everything else on this site works without JavaScript.</p></div></noscript>
<div id="account-status" role="status" aria-live="polite" tabindex="-1"></div>
<section id="signed-out" aria-labelledby="signin-title" hidden>
<h2 id="signin-title">Sign in</h2>
<div class="alert" role="alert" id="signin-error" hidden tabindex="-1"></div>
<form id="signin-form" novalidate>
<div class="field"><label for="signin-email">Email</label><input id="signin-email" name="email" type="email" autocomplete="username" required></div>
<div class="field"><label for="signin-password">Password</label><input id="signin-password" name="password" type="password" autocomplete="current-password" required></div>
<div class="field" id="signin-otp-field" hidden><label for="signin-otp">Code from your authenticator app</label><p class="hint" id="signin-otp-hint">The 6-digit code, or one of your recovery codes.</p><input id="signin-otp" name="otp" type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="16" aria-describedby="signin-otp-hint"></div>
<button type="submit">Sign in</button>
</form>
<p id="passkey-signin-hint">Or sign in with a passkey: no email, no password.</p>
<div class="actions"><button type="button" id="passkey-signin" class="secondary" aria-describedby="passkey-signin-hint">Use a passkey</button></div>
</section>
<section id="signed-in" aria-labelledby="account-title" hidden>
<h2 id="account-title">Signed in as <span id="account-email"></span></h2>
<div class="actions"><button type="button" id="sign-out" class="secondary">Sign out</button>
<button type="button" id="revoke-all" class="danger">Revoke all sessions and tokens</button></div>
<h2 id="tokens-title">Sessions and access tokens</h2>
<p>Every sign-in and every access token can act for you. Revoke any you do not recognise; it stops working at once.</p>
<table aria-labelledby="tokens-title"><thead><tr><th scope="col">Name</th><th scope="col">Kind</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Expires</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody id="tokens"></tbody></table>
<h2 id="create-title">Create an access token</h2>
<form id="create-token-form" novalidate aria-labelledby="create-title">
<div class="field"><label for="token-name">Name</label><p class="hint" id="token-name-hint">What will use it, e.g. "backup script".</p>
<p class="error" id="token-name-error" hidden></p>
<input id="token-name" name="name" type="text" required maxlength="100" aria-describedby="token-name-hint"></div>
<div class="field"><label for="token-days">Expires in (days)</label><p class="hint" id="token-days-hint">1 to 365; 90 if left empty.</p>
<p class="error" id="token-days-error" hidden></p>
<input id="token-days" name="expiresInDays" type="number" min="1" max="365" inputmode="numeric" aria-describedby="token-days-hint"></div>
<button type="submit">Create token</button>
</form>
<div id="new-token" class="notice" hidden tabindex="-1" aria-labelledby="new-token-title">
<h3 id="new-token-title">Your new token</h3>
<p>Copy it now: it is shown only once.</p>
<code class="secret" id="new-token-value"></code>
<div class="actions"><button type="button" id="copy-token" class="secondary">Copy token</button><button type="button" id="dismiss-token" class="secondary">Done</button></div>
<p id="copy-result" role="status"></p>
</div>
<h2 id="connections-title">Connected social accounts</h2>
<p>HelpShelf reads from and posts to these accounts for you, each with its own permission from the provider. Disconnecting withdraws that permission at the provider and deletes it here.</p>
<p id="connections-empty" hidden>No social account is connected.</p>
<table id="connections-table" aria-labelledby="connections-title" hidden><thead><tr><th scope="col">Account</th><th scope="col">Permissions</th><th scope="col">Status</th><th scope="col">Connected</th><th scope="col">Last used</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody id="connections"></tbody></table>
<div role="group" aria-labelledby="connect-title" id="connect-group" hidden>
<h3 id="connect-title">Connect an account</h3>
<p class="hint">You are taken to the provider to give permission, then back here.</p>
<div class="actions" id="providers"></div>
</div>
<h2 id="passkeys-title">Passkeys</h2>
<p>A passkey signs you in with your device's screen lock: nothing to type, nothing a fake site can reuse.</p>
<p id="passkeys-empty" hidden>No passkey yet.</p>
<table id="passkeys-table" aria-labelledby="passkeys-title" hidden><thead><tr><th scope="col">Name</th><th scope="col">Added</th><th scope="col">Last used</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody id="passkeys"></tbody></table>
<form id="add-passkey-form" novalidate aria-labelledby="add-passkey-title">
<h3 id="add-passkey-title">Add a passkey</h3>
<div class="field"><label for="passkey-name">Device</label><p class="hint" id="passkey-name-hint">What you will call it, e.g. "Work laptop".</p><input id="passkey-name" name="name" type="text" maxlength="64" aria-describedby="passkey-name-hint"></div>
<div class="actions"><button type="submit" id="add-passkey">Add a passkey</button></div></form>
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
<h2 id="events-title">Security events</h2>
<p id="events-empty" hidden>No change to how you sign in yet.</p>
<ul id="security-events"></ul>
<div id="confirm-box-slot"></div>
<h2 id="access-log-title">Access to your data</h2>
<p>Every time one of our engineers viewed your account record, took emergency access to it, or restored (or test-restored) a backup holding your data, newest first, with the ticket or incident it was for. Engineers are named by team role only.</p>
<p id="access-log-empty" hidden>Nobody has accessed your data.</p>
<table id="access-log-table" aria-labelledby="access-log-title" hidden><thead><tr><th scope="col">When</th><th scope="col">What</th><th scope="col">Ticket or incident</th><th scope="col">Who</th></tr></thead>
<tbody id="access-log"></tbody></table>
<h2 id="data-title">Your data</h2>
<p id="export-hint">One JSON file of everything we hold about you: your account, billing, sessions and tokens (never their values), connected accounts, passkeys, the security reports you sent with their updates, the access log above and your security events.</p>
<div class="actions"><button type="button" id="export-data" class="secondary" aria-describedby="export-hint">Download my data</button></div>
<h3 id="delete-title">Delete your account</h3>
<p id="delete-hint">Deletes your account and everything we hold about you, at once and for good. You are told exactly what happens before anything is deleted.</p>
<div class="actions"><button type="button" id="delete-start" class="danger" aria-describedby="delete-hint">Delete my account</button></div>
<div id="delete-slot"></div>
</section>`;
  return page({ title: 'Your account security', path: '/account/security', assets, main, scripts: ['account'] });
}
