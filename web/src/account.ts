/**
 * /account/security in the browser: sign in, list sessions and access tokens, create one (shown
 * once, with a copy button), revoke one or all, sign out; list the connected social accounts,
 * connect one (the connect flow leaves for the provider and comes back here), reconnect one that
 * needs it, disconnect one. The session token lives in this tab's sessionStorage only (gone when
 * the tab closes; never localStorage, a cookie or a URL; it survives the same-tab round trip
 * through the provider), and signing out revokes it on the server before it is forgotten here.
 */
import { connectOutcomeOf, hasConnectQuery, type ConnectOutcome } from '../../lib/pages/connect-outcome';
import { loadAccessLog } from './access-log';
import { api, byId, el, errorOf, timeEl, type ApiResult } from './dom';
import { dataRights } from './data-rights';
import { factors, passkeySignIn } from './factors';

const SESSION_KEY = 'helpshelf.session';

interface TokenRow {
  id: string;
  name: string;
  kind: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  current: boolean;
}

interface ConnectionRow {
  id: string;
  provider: string;
  accountId: string;
  accountName: string | null;
  scopes: string[];
  status: string;
  createdAt: string;
  lastUsedAt: string | null;
}

interface Provider {
  id: string;
  name: string;
  scopes: string[];
}

const KIND_TEXT: Record<string, string> = { ses: 'Sign-in session', session: 'Sign-in session', pat: 'Access token', personal: 'Access token' };

let token: string | null = sessionStorage.getItem(SESSION_KEY);

/** Says `text` in the status region (polite); `tone` frames it as good or bad news. */
function announce(text: string, tone?: 'ok' | 'bad'): void {
  const status = byId('account-status');
  status.textContent = text;
  if (tone) status.dataset.tone = tone;
  else delete status.dataset.tone;
}

const signInMethods = factors({ token: () => token, announce: (text, tone) => announce(text, tone), sessionEnded: (result) => sessionEnded(result) });

const yourData = dataRights({
  token: () => token,
  announce: (text, tone) => announce(text, tone),
  sessionEnded: (result) => sessionEnded(result),
  withRecentSignIn: (call) => signInMethods.withRecentSignIn(call),
  deleted: (message) => {
    showSignedOut();
    announce(message, 'ok');
    byId('account-status').focus();
  },
});

function forget(): void {
  token = null;
  sessionStorage.removeItem(SESSION_KEY);
}

function showSignedOut(message?: string): void {
  forget();
  byId('signed-in').hidden = true;
  byId('signed-out').hidden = false;
  byId('new-token').hidden = true;
  byId('new-token-value').textContent = '';
  byId('tokens').replaceChildren();
  clearConnections();
  signInMethods.clear();
  yourData.clear();
  byId('signin-otp-field').hidden = true;
  if (message) announce(message);
  byId<HTMLInputElement>('signin-email').focus();
}

/** Any 401 means the session is over (revoked elsewhere, expired): back to the sign-in form. */
function sessionEnded(result: ApiResult<unknown>): boolean {
  if (result.status !== 401) return false;
  showSignedOut('Your session has ended. Sign in again.');
  return true;
}

function renderTokens(tokens: TokenRow[]): void {
  const rows = tokens.map((t) => {
    const name = t.current ? el('span', {}, t.name || 'This session', ' ', el('span', { class: 'tag' }, 'this session')) : el('span', {}, t.name || '—');
    const revoke = el('button', { type: 'button', class: 'secondary', 'data-token-id': t.id, 'aria-label': `Revoke ${t.current ? 'this session' : t.name || t.id}` }, 'Revoke');
    revoke.addEventListener('click', () => void revokeOne(t));
    return el(
      'tr',
      { 'data-token-id': t.id, ...(t.current ? { 'data-current': 'true' } : {}) },
      el('th', { scope: 'row' }, name),
      el('td', {}, KIND_TEXT[t.kind] ?? t.kind),
      el('td', {}, timeEl(t.createdAt)),
      el('td', {}, timeEl(t.lastUsedAt, 'never')),
      el('td', {}, timeEl(t.expiresAt, 'never')),
      el('td', {}, revoke),
    );
  });
  byId('tokens').replaceChildren(...rows);
}

async function loadTokens(): Promise<boolean> {
  const result = await api<{ tokens: TokenRow[] }>('GET', '/v1/tokens', { token });
  if (sessionEnded(result)) return false;
  if (result.status !== 200) {
    announce(errorOf(result).message);
    return false;
  }
  renderTokens((result.body as { tokens: TokenRow[] }).tokens);
  return true;
}

/** Shows the signed-in view with fresh lists; false when the session turned out to be over. */
async function showSignedIn(): Promise<boolean> {
  const me = await api<{ email: string }>('GET', '/v1/me', { token });
  if (sessionEnded(me)) return false;
  if (me.status !== 200) {
    announce(errorOf(me).message);
    return false;
  }
  byId('account-email').textContent = (me.body as { email: string }).email;
  byId('signed-out').hidden = true;
  byId('signed-in').hidden = false;
  const [tokensShown, connectionsShown, , accessLog] = await Promise.all([loadTokens(), loadConnections(), signInMethods.load(), loadAccessLog(token)]);
  if (sessionEnded(accessLog)) return false;
  return tokensShown && connectionsShown !== null;
}

async function signIn(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const form = event.currentTarget as HTMLFormElement;
  const error = byId('signin-error');
  error.hidden = true;
  const email = byId<HTMLInputElement>('signin-email').value.trim();
  const password = byId<HTMLInputElement>('signin-password').value;
  if (!email || !password) {
    error.textContent = 'Enter your email and password.';
    error.hidden = false;
    error.focus();
    return;
  }
  // With the authenticator app on, the second step sends its code (or a recovery code) with the password.
  const code = byId<HTMLInputElement>('signin-otp').value.replace(/\s+/g, '');
  const factor = code === '' ? {} : /^\d{6}$/.test(code) ? { otp: code } : { recoveryCode: code };
  const result = await api<{ token: string }>('POST', '/v1/sessions', { body: { email, password, ...factor } });
  if (result.status === 401 && errorOf(result).code === 'second_factor_required') {
    const field = byId('signin-otp-field');
    const asked = !field.hidden;
    field.hidden = false;
    error.textContent = asked ? 'That code is not right (each code works once). Try the current one.' : 'Enter the code from your authenticator app.';
    error.hidden = false;
    byId<HTMLInputElement>('signin-otp').value = '';
    byId<HTMLInputElement>('signin-otp').focus();
    return;
  }
  if (result.status !== 201) {
    error.textContent = result.status === 401 ? 'The email or password is not right.' : errorOf(result).message;
    error.hidden = false;
    error.focus();
    return;
  }
  byId('signin-otp-field').hidden = true;
  await signedIn((result.body as { token: string }).token);
  form.reset();
}

async function signedIn(issued: string): Promise<void> {
  token = issued;
  sessionStorage.setItem(SESSION_KEY, token);
  announce('You are signed in.');
  await showSignedIn();
  byId('account-title').setAttribute('tabindex', '-1');
  byId('account-title').focus();
}

async function revokeOne(t: TokenRow): Promise<void> {
  if (t.current) return signOut();
  const result = await api('DELETE', `/v1/tokens/${encodeURIComponent(t.id)}`, { token });
  if (sessionEnded(result)) return;
  if (result.status !== 204 && result.status !== 404) {
    announce(errorOf(result).message);
    return;
  }
  announce(`Revoked ${t.name || 'the token'}.`);
  await loadTokens();
  byId('tokens-title').setAttribute('tabindex', '-1');
  byId('tokens-title').focus();
}

async function signOut(): Promise<void> {
  const result = await api('DELETE', '/v1/sessions/current', { token });
  if (result.status !== 204 && result.status !== 401) {
    announce(`Could not sign out: ${errorOf(result).message}`);
    return;
  }
  showSignedOut('You are signed out. This session no longer works anywhere.');
}

async function revokeAll(): Promise<void> {
  const button = byId<HTMLButtonElement>('revoke-all');
  // Two clicks: the first asks, the second revokes every session and token.
  if (button.dataset.confirm !== 'yes') {
    button.dataset.confirm = 'yes';
    button.textContent = 'Yes, revoke every session and token';
    announce('Click again to revoke every session and access token, this one included.');
    return;
  }
  const result = await api('POST', '/v1/tokens/revoke-all', { token });
  button.dataset.confirm = '';
  button.textContent = 'Revoke all sessions and tokens';
  if (result.status !== 204 && result.status !== 401) {
    announce(errorOf(result).message);
    return;
  }
  showSignedOut('Every session and access token was revoked, this one included. You are signed out.');
}

function fieldError(id: string, inputId: string, message: string | null): void {
  const error = byId(id);
  const input = byId(inputId);
  const hint = `${inputId}-hint`;
  if (message) {
    error.textContent = message;
    error.hidden = false;
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', `${id} ${hint}`);
  } else {
    error.hidden = true;
    error.textContent = '';
    input.removeAttribute('aria-invalid');
    input.setAttribute('aria-describedby', hint);
  }
}

async function createToken(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const form = event.currentTarget as HTMLFormElement;
  const name = byId<HTMLInputElement>('token-name').value.trim();
  const daysText = byId<HTMLInputElement>('token-days').value.trim();
  const days = daysText === '' ? undefined : Number(daysText);
  fieldError('token-name-error', 'token-name', name ? null : 'Give the token a name.');
  const daysOk = days === undefined || (Number.isInteger(days) && days >= 1 && days <= 365);
  fieldError('token-days-error', 'token-days', daysOk ? null : 'Enter a whole number of days from 1 to 365.');
  if (!name) return byId('token-name').focus();
  if (!daysOk) return byId('token-days').focus();
  const result = await signInMethods.withRecentSignIn(() => api<{ token: string; name: string }>('POST', '/v1/tokens', { token, body: days === undefined ? { name } : { name, expiresInDays: days } }));
  if (sessionEnded(result)) return;
  if (result.status !== 201) {
    const error = errorOf(result);
    const onDays = /expiresInDays/.test(error.message);
    fieldError(onDays ? 'token-days-error' : 'token-name-error', onDays ? 'token-days' : 'token-name', error.message);
    return byId(onDays ? 'token-days' : 'token-name').focus();
  }
  form.reset();
  byId('new-token-value').textContent = (result.body as { token: string }).token;
  byId('copy-result').textContent = '';
  const box = byId('new-token');
  box.hidden = false;
  box.focus();
  await loadTokens();
}

async function copyToken(): Promise<void> {
  const value = byId('new-token-value').textContent ?? '';
  try {
    await navigator.clipboard.writeText(value);
    byId('copy-result').textContent = 'Copied to the clipboard.';
  } catch {
    // No clipboard permission: select the token so the person can copy it themselves.
    const range = document.createRange();
    range.selectNodeContents(byId('new-token-value'));
    const selection = window.getSelection();
    selection?.removeAllRanges();
    selection?.addRange(range);
    byId('copy-result').textContent = 'Copying is not allowed here: the token is selected, copy it with your keyboard.';
  }
}

function dismissToken(): void {
  byId('new-token').hidden = true;
  byId('new-token-value').textContent = '';
  byId('token-name').focus();
}

// ---- Connected social accounts -------------------------------------------------------------

let providerNames = new Map<string, string>();
let connections: ConnectionRow[] = [];

function providerName(id: string): string {
  return providerNames.get(id) ?? id;
}

/** "Ada's page on Meta": how a connection is named in buttons and announcements. */
function connectionLabel(c: ConnectionRow): string {
  return `${c.accountName || c.accountId} on ${providerName(c.provider)}`;
}

function clearConnections(): void {
  connections = [];
  byId('connections').replaceChildren();
  byId('providers').replaceChildren();
  byId('connections-table').hidden = true;
  byId('connections-empty').hidden = true;
  byId('connect-group').hidden = true;
}

function setConnectBusy(busy: boolean): void {
  for (const button of document.querySelectorAll<HTMLButtonElement>('[data-connect]')) button.disabled = busy;
}

function renderConnections(rows: ConnectionRow[], providers: Provider[]): void {
  connections = rows;
  providerNames = new Map(providers.map((p) => [p.id, p.name]));
  const trs = rows.map((c) => {
    const label = connectionLabel(c);
    const needsReauth = c.status === 'needs_reauth';
    const status = needsReauth
      ? el('span', {}, el('span', { class: 'tag warn' }, 'Needs reconnecting'), el('span', { class: 'hint block' }, 'The provider no longer accepts HelpShelf\u2019s permission (it may have been withdrawn there). Reconnect to use this account again.'))
      : el('span', { class: 'tag ok' }, c.status === 'active' ? 'Active' : c.status);
    const actions = el('div', { class: 'actions compact' });
    if (needsReauth) {
      const reconnect = el('button', { type: 'button', 'data-connect': c.provider, 'aria-label': `Reconnect ${label}` }, 'Reconnect');
      reconnect.addEventListener('click', () => void connect(c.provider, reconnect));
      actions.append(reconnect);
    }
    const disconnect = el('button', { type: 'button', class: 'secondary', 'aria-label': `Disconnect ${label}` }, 'Disconnect');
    disconnect.addEventListener('click', () => void disconnectOne(c, disconnect));
    actions.append(disconnect);
    return el(
      'tr',
      { 'data-connection-id': c.id, 'data-status': c.status },
      el('th', { scope: 'row' }, c.accountName || c.accountId, el('span', { class: 'hint block' }, providerName(c.provider))),
      el('td', {}, c.scopes.length ? c.scopes.join(', ') : '\u2014'),
      el('td', {}, status),
      el('td', {}, timeEl(c.createdAt)),
      el('td', {}, timeEl(c.lastUsedAt, 'never')),
      el('td', {}, actions),
    );
  });
  byId('connections').replaceChildren(...trs);
  byId('connections-table').hidden = rows.length === 0;
  byId('connections-empty').hidden = rows.length > 0;
  const buttons = providers.map((p) => {
    const button = el('button', { type: 'button', class: 'secondary', 'data-connect': p.id }, `Connect ${p.name}`);
    button.addEventListener('click', () => void connect(p.id, button));
    return button;
  });
  byId('providers').replaceChildren(...buttons);
  byId('connect-group').hidden = providers.length === 0;
}

/** Lists the connections and the providers; null when they could not be shown. */
async function loadConnections(): Promise<ConnectionRow[] | null> {
  const [listed, offered] = await Promise.all([
    api<{ connections: ConnectionRow[] }>('GET', '/v1/connections', { token }),
    api<{ providers: Provider[] }>('GET', '/v1/connections/providers', { token }),
  ]);
  if (sessionEnded(listed) || sessionEnded(offered)) return null;
  const failed = [listed, offered].find((r) => r.status !== 200);
  if (failed) {
    announce(`Your connected accounts could not be listed: ${errorOf(failed).message}`, 'bad');
    return null;
  }
  const rows = (listed.body as { connections: ConnectionRow[] }).connections;
  renderConnections(rows, (offered.body as { providers: Provider[] }).providers);
  return rows;
}

/**
 * Starts the connect flow for `provider` (also how a connection that needs it is reconnected):
 * the API hands out a one-time connect URL, and the browser goes there by script. A form posting
 * across origins would not do: Chrome applies the CSP's form-action to the redirects that follow
 * a form submission, and the provider is another origin.
 */
async function connect(provider: string, button: HTMLButtonElement): Promise<void> {
  setConnectBusy(true);
  announce(`Taking you to ${providerName(provider)} to give permission\u2026`);
  // With cookies: the answer's binding cookie is what lets the link work in this browser (and only here).
  const result = await signInMethods.withRecentSignIn(() => api<{ connectUrl: string }>('POST', '/v1/connections', { token, body: { provider }, cookies: true }));
  if (sessionEnded(result)) return;
  const connectUrl = result.status === 201 ? (result.body as { connectUrl?: unknown }).connectUrl : undefined;
  const target = typeof connectUrl === 'string' ? safeUrl(connectUrl) : null;
  if (!target) {
    setConnectBusy(false);
    announce(`Could not start connecting ${providerName(provider)}: ${errorOf(result).message}`, 'bad');
    button.focus();
    return;
  }
  location.assign(target);
}

function safeUrl(value: string): string | null {
  try {
    const url = new URL(value, location.href);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

async function disconnectOne(c: ConnectionRow, button: HTMLButtonElement): Promise<void> {
  button.disabled = true;
  const result = await api('DELETE', `/v1/connections/${encodeURIComponent(c.id)}`, { token });
  if (sessionEnded(result)) return;
  if (result.status !== 204 && result.status !== 404) {
    button.disabled = false;
    announce(`Could not disconnect ${connectionLabel(c)}: ${errorOf(result).message}`, 'bad');
    button.focus();
    return;
  }
  announce(`Disconnected ${connectionLabel(c)}. HelpShelf can no longer use it.`, 'ok');
  await loadConnections();
  focusHeading('connections-title');
}

function focusHeading(id: string): void {
  byId(id).setAttribute('tabindex', '-1');
  byId(id).focus();
}

/** The sentence for the way back from the provider (see lib/pages/connect-outcome.ts). */
function outcomeMessage(outcome: ConnectOutcome): string {
  if (outcome.status === 'error') return outcome.message;
  const connection = connections.find((c) => c.id === outcome.connectionId);
  return connection ? `Connected ${connectionLabel(connection)}. It is listed below.` : 'The account is connected.';
}

/** Back from the connect flow: say how it went, then focus the message so it is read and seen. */
function reportOutcome(outcome: ConnectOutcome, signedIn: boolean): void {
  const message = outcomeMessage(outcome);
  announce(signedIn ? message : `${message} Sign in to see your connected accounts.`, outcome.status === 'connected' ? 'ok' : 'bad');
  const status = byId('account-status');
  status.setAttribute('tabindex', '-1');
  status.focus();
}

async function signInWithPasskey(): Promise<void> {
  const error = byId('signin-error');
  error.hidden = true;
  const result = await passkeySignIn();
  if (result.status !== 201) {
    error.textContent = result.status === 401 ? 'That passkey could not sign you in.' : errorOf(result).message;
    error.hidden = false;
    error.focus();
    return;
  }
  await signedIn((result.body as { token: string }).token);
}

function start(): void {
  byId('passkey-signin').addEventListener('click', () => void signInWithPasskey());
  byId<HTMLFormElement>('signin-form').addEventListener('submit', (e) => void signIn(e));
  byId<HTMLFormElement>('create-token-form').addEventListener('submit', (e) => void createToken(e));
  byId('sign-out').addEventListener('click', () => void signOut());
  byId('revoke-all').addEventListener('click', () => void revokeAll());
  byId('copy-token').addEventListener('click', () => void copyToken());
  byId('dismiss-token').addEventListener('click', dismissToken);
  // Back (history) from the provider's page to this one kept in the back/forward cache: usable again.
  window.addEventListener('pageshow', (event) => {
    if (event.persisted) setConnectBusy(false);
  });
  // Back from the connect flow: read the outcome, then drop it from the address (a reload or a
  // bookmark must not announce it again).
  const outcome = connectOutcomeOf(location.search);
  if (hasConnectQuery(location.search)) history.replaceState(history.state, '', `${location.pathname}${location.hash}`);
  if (token) {
    void showSignedIn().then((shown) => {
      if (outcome && shown) reportOutcome(outcome, true);
    });
  } else {
    byId('signed-out').hidden = false;
    if (outcome) reportOutcome(outcome, false);
  }
}

start();
