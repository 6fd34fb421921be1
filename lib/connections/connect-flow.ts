import { randomBytes } from 'node:crypto';
import { parseCookie, stringifySetCookie } from 'cookie';
import { BadRequestError } from '../platform/errors';
import { digestsEqual } from '../platform/digests';
import { digest, type ConnectionsContext } from './context';
import { ConnectFailedError, encryptionContextOf, GrantRevokedError, ProviderCallError, type ConnectionRecord } from './model';
import type { ConnectionRevocation } from './revocation';

/**
 * The connect flow: authorization code + PKCE S256, the state bound to the browser that asked
 * (RFC 9700 §4.7, §2.1), the exact redirect URI, the issuer checked (RFC 9207), and the tokens
 * sealed per connection. Every failure at the callback is the error redirect, with nothing stored.
 */
export const CONNECT_TTL_MS = 10 * 60_000;
/**
 * Binds a connect flow to the browser that asked for it (RFC 9700 §4.7, §2.1): set by
 * POST /v1/connections, sent only to the connections routes.
 */
export const BINDING_COOKIE = 'hs_connect';
export const BINDING_COOKIE_PATH = '/v1/connections';

export interface CallbackQuery {
  code?: string | null;
  state?: string | null;
  iss?: string | null;
  error?: string | null;
}

export function newConnectionId(): string {
  return `con_${randomBytes(16).toString('hex')}`;
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  return parseCookie(header)[name] || undefined;
}

export function connectFlow(ctx: ConnectionsContext, revocation: Pick<ConnectionRevocation, 'revokeTokensAtProvider' | 'disconnectRecord'>) {
  const { deps } = ctx;
  const { store, vault, oauth, api, now } = deps;
  const callbackUrl = `${deps.publicUrl}/v1/connections/callback`;
  // Secure where the stage is https (the local stage is plain http).
  const secureCookie = deps.publicUrl.startsWith('https:');

  function appRedirect(params: Record<string, string>): string {
    const url = new URL(deps.appUrl);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    return url.toString();
  }

  function bindingCookie(value: string, maxAge: number): string {
    return stringifySetCookie({ name: BINDING_COOKIE, value, path: BINDING_COOKIE_PATH, maxAge, httpOnly: true, sameSite: 'lax', secure: secureCookie });
  }

  const clearCookie = bindingCookie('', 0);

  /** Input already shaped by the route's schema; the provider and its scopes are checked here. */
  async function beginConnect(userId: string, body: { provider: string; scopes?: string[] | null }): Promise<{ connectUrl: string; expiresAt: string; cookie: string }> {
    const provider = ctx.findProvider(body.provider);
    if (!provider) throw new BadRequestError('unknown_provider', 'No such provider. GET /v1/connections/providers lists them.');
    const scopes = body.scopes ? [...new Set(body.scopes)] : provider.scopes;
    const notOffered = scopes.filter((s) => !provider.scopes.includes(s));
    if (notOffered.length > 0) throw new BadRequestError('invalid_scope', `Scopes not offered by ${provider.id}: ${notOffered.join(', ')}.`);
    const state = randomBytes(32).toString('base64url');
    // The browser that asks gets the binding; the link works only where this cookie is.
    const binding = randomBytes(32).toString('base64url');
    const expiresAtMs = now() + CONNECT_TTL_MS;
    await store.putTransaction({
      stateDigest: digest(state),
      userId,
      provider: provider.id,
      issuer: provider.issuer,
      scopes,
      codeVerifier: randomBytes(32).toString('base64url'),
      redirectUri: callbackUrl,
      expiresAtMs,
      bindingDigest: digest(binding),
    });
    return {
      connectUrl: `${deps.publicUrl}/v1/connections/start?state=${state}`,
      expiresAt: new Date(expiresAtMs).toISOString(),
      cookie: bindingCookie(binding, Math.ceil(CONNECT_TTL_MS / 1000)),
    };
  }

  /**
   * The browser arrives with the link: only the browser that asked for it (its binding cookie),
   * once, within the transaction's 10 minutes. Anywhere else it ends on the error redirect.
   */
  async function start(state: string | null | undefined, cookieHeader: string | undefined): Promise<{ location: string }> {
    if (!state || state.length > 128) return { location: appRedirect({ status: 'error', reason: 'invalid_state' }) };
    const binding = readCookie(cookieHeader, BINDING_COOKIE);
    const started = await store.startTransaction(digest(state), binding === undefined ? undefined : digest(binding), now());
    if (!started.txn) {
      deps.log?.info('connect start refused', { reason: started.refused });
      return { location: appRedirect({ status: 'error', reason: started.refused === 'browser_mismatch' ? 'browser_mismatch' : 'invalid_state' }) };
    }
    const txn = started.txn;
    const provider = ctx.providerOf(txn.provider);
    const location = await oauth.authorizationUrl(provider, { redirectUri: txn.redirectUri, scopes: txn.scopes, state, codeVerifier: txn.codeVerifier });
    return { location };
  }

  /** The provider sends the browser back. Every failure is the error redirect, with nothing stored. */
  async function callback(query: CallbackQuery, cookieHeader: string | undefined): Promise<{ location: string; cookie: string }> {
    try {
      const connection = await completeConnect(query, cookieHeader);
      return { location: appRedirect({ status: 'connected', connection }), cookie: clearCookie };
    } catch (error) {
      if (error instanceof ConnectFailedError) {
        deps.log?.info('connect failed', { reason: error.reason });
        return { location: appRedirect({ status: 'error', reason: error.reason }), cookie: clearCookie };
      }
      throw error;
    }
  }

  async function completeConnect(query: CallbackQuery, cookieHeader: string | undefined): Promise<string> {
    const state = query.state;
    if (!state || state.length > 128) throw new ConnectFailedError('invalid_state');
    const binding = readCookie(cookieHeader, BINDING_COOKIE);
    const consumed = await store.consumeTransaction(digest(state), binding === undefined ? undefined : digest(binding), now());
    if (!consumed.txn) throw new ConnectFailedError(consumed.refused === 'browser_mismatch' ? 'browser_mismatch' : 'invalid_state');
    const txn = consumed.txn;
    if (binding === undefined || !digestsEqual(txn.bindingDigest, digest(binding))) throw new ConnectFailedError('browser_mismatch');
    const provider = ctx.providerOf(txn.provider);
    if (query.error) throw new ConnectFailedError(query.error === 'access_denied' ? 'access_denied' : 'provider_error');
    // RFC 9207: when the provider names itself, it must be the issuer this transaction began with.
    if (query.iss != null && query.iss !== txn.issuer) throw new ConnectFailedError('issuer_mismatch');
    if (query.iss == null && provider.issParameterSupported) throw new ConnectFailedError('issuer_mismatch');
    if (!query.code) throw new ConnectFailedError('provider_error');

    const current = new URL(txn.redirectUri);
    for (const key of ['code', 'state', 'iss'] as const) {
      const value = query[key];
      if (value != null) current.searchParams.set(key, value);
    }
    let grant;
    try {
      grant = await oauth.exchangeCode(provider, current, { state, codeVerifier: txn.codeVerifier, requestedScopes: txn.scopes });
    } catch (error) {
      if (error instanceof GrantRevokedError) throw new ConnectFailedError('exchange_failed', { cause: error });
      if (error instanceof ProviderCallError) throw new ConnectFailedError('provider_unavailable', { cause: error });
      throw new ConnectFailedError('exchange_failed', { cause: error });
    }
    let account;
    try {
      account = await api.account(provider, grant.accessToken);
    } catch (error) {
      // The grant would otherwise stay alive at the provider with nothing here to revoke it.
      await revocation.revokeTokensAtProvider(provider, grant).catch(() => undefined);
      throw new ConnectFailedError('provider_unavailable', { cause: error });
    }
    const connectionId = newConnectionId();
    const context = encryptionContextOf({ userId: txn.userId, connectionId, provider: provider.id });
    const nowMs = now();
    const record: ConnectionRecord = {
      userId: txn.userId,
      connectionId,
      provider: provider.id,
      accountId: account.id,
      accountName: account.name,
      scopes: grant.grantedScopes.filter((s) => !provider.extraScopes.includes(s)),
      status: 'active',
      createdAt: new Date(nowMs).toISOString(),
      lastUsedAtMs: null,
      accessExpiresAtMs: nowMs + grant.expiresInSeconds * 1000,
      accessLifetimeSeconds: grant.expiresInSeconds,
      version: 1,
      sealed: await vault.seal(context, { accessToken: grant.accessToken, refreshToken: grant.refreshToken }),
    };
    const previous = (await store.listConnections(txn.userId)).filter((c) => c.provider === provider.id && c.accountId === account.id);
    await store.putConnection(record);
    // Reconnecting the same provider account replaces the old grant, revoked at the provider.
    for (const old of previous) await revocation.disconnectRecord(old, { actor: `user:${txn.userId}`, reason: 'replaced by a new connection of the same account' });
    await deps.audit({ actor: `user:${txn.userId}`, action: 'connections.connect', subject: txn.userId, details: { connection: connectionId, provider: provider.id, replaced: previous.length } });
    return connectionId;
  }

  return { beginConnect, start, callback };
}
