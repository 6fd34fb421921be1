/**
 * /account/security in the browser: sign in, list sessions and access tokens, create one (shown
 * once, with a copy button), revoke one or all, sign out. The session token lives in this tab's
 * sessionStorage only (gone when the tab closes; never localStorage, a cookie or a URL), and
 * signing out revokes it on the server before it is forgotten here.
 */
import { api, byId, el, errorOf, timeEl, type ApiResult } from './dom';

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

const KIND_TEXT: Record<string, string> = { ses: 'Sign-in session', session: 'Sign-in session', pat: 'Access token', personal: 'Access token' };

let token: string | null = sessionStorage.getItem(SESSION_KEY);

function announce(text: string): void {
  byId('account-status').textContent = text;
}

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

async function showSignedIn(): Promise<void> {
  const me = await api<{ email: string }>('GET', '/v1/me', { token });
  if (sessionEnded(me)) return;
  if (me.status !== 200) {
    announce(errorOf(me).message);
    return;
  }
  byId('account-email').textContent = (me.body as { email: string }).email;
  byId('signed-out').hidden = true;
  byId('signed-in').hidden = false;
  await loadTokens();
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
  const result = await api<{ token: string }>('POST', '/v1/sessions', { body: { email, password } });
  if (result.status !== 201) {
    error.textContent = result.status === 401 ? 'The email or password is not right.' : errorOf(result).message;
    error.hidden = false;
    error.focus();
    return;
  }
  token = (result.body as { token: string }).token;
  sessionStorage.setItem(SESSION_KEY, token);
  form.reset();
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
  const result = await api<{ token: string; name: string }>('POST', '/v1/tokens', { token, body: days === undefined ? { name } : { name, expiresInDays: days } });
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

function start(): void {
  byId<HTMLFormElement>('signin-form').addEventListener('submit', (e) => void signIn(e));
  byId<HTMLFormElement>('create-token-form').addEventListener('submit', (e) => void createToken(e));
  byId('sign-out').addEventListener('click', () => void signOut());
  byId('revoke-all').addEventListener('click', () => void revokeAll());
  byId('copy-token').addEventListener('click', () => void copyToken());
  byId('dismiss-token').addEventListener('click', dismissToken);
  if (token) void showSignedIn();
  else {
    byId('signed-out').hidden = false;
  }
}

start();
