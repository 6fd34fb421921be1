/**
 * Where the person is signed in, and their access tokens (both from GET /v1/tokens): each session
 * with the browser and address of its sign-in, created and last used, and "Sign out" (this one:
 * DELETE /v1/sessions/current; another: DELETE /v1/tokens/{id}); each access token with
 * "Revoke". "Sign out everywhere" (POST /v1/tokens/revoke-all, asks for a second click) ends
 * every session and token, this one included.
 */
import type { TokenSummary } from '../../../lib/identity/views';
import { byId, el, focusHeading, timeEl } from '../dom';
import type { AccountContext, Section } from './context';

/** "Chrome on Linux": enough to recognise a browser, from its User-Agent; the full text is kept in a title. */
export function browserName(userAgent: string | null): string {
  if (!userAgent) return 'Unknown browser';
  const browser = /Edg\//.test(userAgent)
    ? 'Edge'
    : /Firefox\//.test(userAgent)
      ? 'Firefox'
      : /Chrom(e|ium)\//.test(userAgent)
        ? 'Chrome'
        : /Safari\//.test(userAgent)
          ? 'Safari'
          : /^curl\//.test(userAgent)
            ? 'curl'
            : null;
  const system = /Android/.test(userAgent) ? 'Android' : /iPhone|iPad/.test(userAgent) ? 'iOS' : /Windows/.test(userAgent) ? 'Windows' : /Mac OS X/.test(userAgent) ? 'macOS' : /Linux/.test(userAgent) ? 'Linux' : null;
  if (!browser) return system ? `A browser on ${system}` : 'Another program';
  return system ? `${browser} on ${system}` : browser;
}

export function credentialsSection(ctx: AccountContext): Section & { reload(): Promise<boolean> } {
  function sessionRow(t: TokenSummary): HTMLTableRowElement {
    const name = browserName(t.userAgent);
    const label = t.current ? 'this session' : `${name}, signed in ${t.createdAt.slice(0, 16).replace('T', ' ')} UTC`;
    const button = el('button', { type: 'button', class: 'secondary', 'aria-label': `Sign out ${label}` }, 'Sign out');
    button.addEventListener('click', () => void (t.current ? signOutHere() : revoke(t, button, `Signed out ${name}. That session no longer works.`, 'sessions-title')));
    return el(
      'tr',
      { 'data-token-id': t.id, ...(t.current ? { 'data-current': 'true' } : {}) },
      el('th', { scope: 'row' }, el('span', t.userAgent ? { title: t.userAgent } : {}, name), ...(t.current ? [' ', el('span', { class: 'tag' }, 'this session')] : [])),
      el('td', { 'data-label': 'Address' }, t.ipAddress ?? '\u2014'),
      el('td', { 'data-label': 'Signed in' }, timeEl(t.createdAt)),
      el('td', { 'data-label': 'Last used' }, timeEl(t.lastUsedAt, 'not since')),
      el('td', {}, button),
    );
  }

  function tokenRow(t: TokenSummary): HTMLTableRowElement {
    const button = el('button', { type: 'button', class: 'secondary', 'aria-label': `Revoke ${t.name}` }, 'Revoke');
    button.addEventListener('click', () => void revoke(t, button, `Revoked ${t.name}.`, 'tokens-title'));
    return el(
      'tr',
      { 'data-token-id': t.id, ...(t.current ? { 'data-current': 'true' } : {}) },
      el('th', { scope: 'row' }, t.name),
      el('td', { 'data-label': 'Created' }, timeEl(t.createdAt)),
      el('td', { 'data-label': 'Last used' }, timeEl(t.lastUsedAt, 'never')),
      el('td', { 'data-label': 'Expires' }, timeEl(t.expiresAt, 'never')),
      el('td', {}, button),
    );
  }

  async function reload(): Promise<boolean> {
    const result = await ctx.call<{ tokens: TokenSummary[] }>('GET', '/v1/tokens');
    if (!result.ok) {
      if (result.error.code !== 'unauthorized') ctx.announce(`Your sessions could not be listed: ${result.error.message}`, 'bad');
      return false;
    }
    const sessions = result.body.tokens.filter((t) => t.kind === 'session');
    const tokens = result.body.tokens.filter((t) => t.kind !== 'session');
    byId('sessions').replaceChildren(...sessions.map(sessionRow));
    byId('tokens').replaceChildren(...tokens.map(tokenRow));
    byId('tokens-table').hidden = tokens.length === 0;
    byId('tokens-empty').hidden = tokens.length > 0;
    return true;
  }

  async function revoke(t: TokenSummary, button: HTMLButtonElement, done: string, heading: string): Promise<void> {
    button.disabled = true;
    const result = await ctx.call('DELETE', `/v1/tokens/${encodeURIComponent(t.id)}`);
    // Already gone (404 `not_found`) is what was wanted.
    if (!result.ok && result.error.code !== 'not_found') {
      button.disabled = false;
      if (result.error.code !== 'unauthorized') ctx.announce(result.error.message, 'bad');
      return;
    }
    await reload();
    ctx.announce(done, 'ok');
    focusHeading(heading);
  }

  async function signOutHere(): Promise<void> {
    const result = await ctx.call('DELETE', '/v1/sessions/current');
    if (!result.ok && result.error.code !== 'unauthorized') {
      ctx.announce(`Could not sign out: ${result.error.message}`, 'bad');
      return;
    }
    ctx.signedOut('You are signed out. This session no longer works anywhere.');
  }

  async function everywhere(): Promise<void> {
    const button = byId<HTMLButtonElement>('revoke-all');
    // Two clicks: the first asks, the second ends every session and token.
    if (button.dataset.confirm !== 'yes') {
      button.dataset.confirm = 'yes';
      button.textContent = 'Yes, sign out everywhere';
      ctx.announce('Click again to end every session and revoke every access token, this one included.');
      return;
    }
    const result = await ctx.call('POST', '/v1/tokens/revoke-all');
    button.dataset.confirm = '';
    button.textContent = 'Sign out everywhere';
    if (!result.ok && result.error.code !== 'unauthorized') {
      ctx.announce(result.error.message, 'bad');
      return;
    }
    ctx.signedOut('Every session and access token was revoked, this one included. You are signed out.');
  }

  byId('sign-out').addEventListener('click', () => void signOutHere());
  byId('revoke-all').addEventListener('click', () => void everywhere());

  return {
    show: reload,
    reload,
    clear() {
      byId('sessions').replaceChildren();
      byId('tokens').replaceChildren();
    },
  };
}
