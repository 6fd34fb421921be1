/**
 * Connected social accounts: the list (account, provider, permissions, status, connected, last
 * used), Connect per provider (the connect flow leaves for the provider and comes back to this
 * page with the outcome in the query), Reconnect one that needs it, Disconnect one.
 */
import type * as z from 'zod/mini';
import type { connectionSchema, providerSchema } from '../../../lib/connections/schemas';
import { connectOutcomeOf, hasConnectQuery, type ConnectOutcome } from '../../../lib/pages/connect-outcome';
import { byId, el, focusHeading, timeEl } from '../dom';
import type { AccountContext, Section } from './context';

type Connection = z.output<typeof connectionSchema>;
type Provider = z.output<typeof providerSchema>;

function safeUrl(value: string): string | null {
  try {
    const url = new URL(value, location.href);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

export function connectionsSection(ctx: AccountContext): Section & { reportOutcome(signedIn: boolean): void } {
  let providerNames = new Map<string, string>();
  let connections: Connection[] = [];
  // Back from the connect flow: read the outcome, then drop it from the address (a reload or a
  // bookmark must not announce it again).
  const outcome = connectOutcomeOf(location.search);
  if (hasConnectQuery(location.search)) history.replaceState(history.state, '', `${location.pathname}${location.hash}`);

  const providerName = (id: string) => providerNames.get(id) ?? id;
  /** "Ada's page on Meta": how a connection is named in buttons and announcements. */
  const label = (c: Connection) => `${c.accountName || c.accountId} on ${providerName(c.provider)}`;

  function setBusy(busy: boolean): void {
    for (const button of document.querySelectorAll<HTMLButtonElement>('[data-connect]')) button.disabled = busy;
  }

  function row(c: Connection): HTMLTableRowElement {
    const needsReauth = c.status === 'needs_reauth';
    const status = needsReauth
      ? el('span', {}, el('span', { class: 'tag warn' }, 'Needs reconnecting'), el('span', { class: 'hint block' }, 'The provider no longer accepts HelpShelf\u2019s permission (it may have been withdrawn there). Reconnect to use this account again.'))
      : el('span', { class: 'tag ok' }, 'Active');
    const actions = el('div', { class: 'actions compact' });
    if (needsReauth) {
      const reconnect = el('button', { type: 'button', 'data-connect': c.provider, 'aria-label': `Reconnect ${label(c)}` }, 'Reconnect');
      reconnect.addEventListener('click', () => void connect(c.provider, reconnect));
      actions.append(reconnect);
    }
    const disconnect = el('button', { type: 'button', class: 'secondary', 'aria-label': `Disconnect ${label(c)}` }, 'Disconnect');
    disconnect.addEventListener('click', () => void disconnectOne(c, disconnect));
    actions.append(disconnect);
    return el(
      'tr',
      { 'data-connection-id': c.id, 'data-status': c.status },
      el('th', { scope: 'row' }, c.accountName || c.accountId, el('span', { class: 'hint block' }, providerName(c.provider))),
      el('td', { 'data-label': 'Permissions' }, c.scopes.length ? c.scopes.join(', ') : '\u2014'),
      el('td', { 'data-label': 'Status' }, status),
      el('td', { 'data-label': 'Connected' }, timeEl(c.createdAt)),
      el('td', { 'data-label': 'Last used' }, timeEl(c.lastUsedAt, 'never')),
      el('td', {}, actions),
    );
  }

  function render(rows: Connection[], providers: Provider[]): void {
    connections = rows;
    providerNames = new Map(providers.map((p) => [p.id, p.name]));
    byId('connections').replaceChildren(...rows.map(row));
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

  async function load(): Promise<boolean> {
    const [listed, offered] = await Promise.all([ctx.call<{ connections: Connection[] }>('GET', '/v1/connections'), ctx.call<{ providers: Provider[] }>('GET', '/v1/connections/providers')]);
    if (!listed.ok || !offered.ok) {
      const error = !listed.ok ? listed.error : !offered.ok ? offered.error : undefined;
      if (error && error.code !== 'unauthorized') ctx.announce(`Your connected accounts could not be listed: ${error.message}`, 'bad');
      return false;
    }
    render(listed.body.connections, offered.body.providers);
    return true;
  }

  /**
   * Starts the connect flow for `provider` (also how a connection that needs it is reconnected):
   * the API hands out a one-time connect URL, and the browser goes there by script. A form posting
   * across origins would not do: Chrome applies the CSP's form-action to the redirects that follow
   * a form submission, and the provider is another origin.
   */
  async function connect(provider: string, button: HTMLButtonElement): Promise<void> {
    setBusy(true);
    ctx.announce(`Taking you to ${providerName(provider)} to give permission\u2026`);
    // With cookies: the answer's binding cookie is what lets the link work in this browser (and only here).
    const result = await ctx.withRecentSignIn(() => ctx.call<{ connectUrl: string }>('POST', '/v1/connections', { provider }, { cookies: true }));
    if (!result.ok && result.error.code === 'unauthorized') return;
    const target = result.ok && typeof result.body.connectUrl === 'string' ? safeUrl(result.body.connectUrl) : null;
    if (!target) {
      setBusy(false);
      ctx.announce(`Could not start connecting ${providerName(provider)}: ${result.ok ? 'the answer had no address to go to.' : result.error.message}`, 'bad');
      button.focus();
      return;
    }
    location.assign(target);
  }

  async function disconnectOne(c: Connection, button: HTMLButtonElement): Promise<void> {
    button.disabled = true;
    const result = await ctx.call('DELETE', `/v1/connections/${encodeURIComponent(c.id)}`);
    if (!result.ok && result.error.code !== 'not_found') {
      if (result.error.code === 'unauthorized') return;
      button.disabled = false;
      ctx.announce(`Could not disconnect ${label(c)}: ${result.error.message}`, 'bad');
      button.focus();
      return;
    }
    ctx.announce(`Disconnected ${label(c)}. HelpShelf can no longer use it.`, 'ok');
    await load();
    focusHeading('connections-title');
  }

  /** The sentence for the way back from the provider (see lib/pages/connect-outcome.ts). */
  function outcomeMessage(o: ConnectOutcome): string {
    if (o.status === 'error') return o.message;
    const connection = connections.find((c) => c.id === o.connectionId);
    return connection ? `Connected ${label(connection)}. It is listed below.` : 'The account is connected.';
  }

  // Back (history) from the provider's page to this one kept in the back/forward cache: usable again.
  window.addEventListener('pageshow', (event) => {
    if (event.persisted) setBusy(false);
  });

  return {
    show: load,
    clear() {
      connections = [];
      byId('connections').replaceChildren();
      byId('providers').replaceChildren();
      byId('connections-table').hidden = true;
      byId('connections-empty').hidden = true;
      byId('connect-group').hidden = true;
    },
    /** Back from the connect flow: say how it went, then focus the message so it is read and seen. */
    reportOutcome(signedIn: boolean): void {
      if (!outcome) return;
      const message = outcomeMessage(outcome);
      ctx.announce(signedIn ? message : `${message} Sign in to see your connected accounts.`, outcome.status === 'connected' ? 'ok' : 'bad');
      focusHeading('account-status');
    },
  };
}
