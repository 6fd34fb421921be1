import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { parseCookie, stringifySetCookie } from 'cookie';
import { AlongsideWriteRefusedError } from '../audit/audit-log';
import { BadRequestError } from '../platform/errors';
import { countMetric } from '../platform/metrics';
import {
  ConnectFailedError,
  ConnectionNeedsReauthError,
  ConnectionNotFoundError,
  encryptionContextOf,
  GrantRevokedError,
  ProviderCallError,
  ProviderUnavailableError,
  ScopeNotGrantedError,
  type ConnectionRecord,
  type ConnectionStore,
  type ProviderTokens,
  type SealedTokens,
} from './model';
import type { OAuthClient } from './oauth-client';
import { AccessTokenRejectedError, type Post, type ProviderApi } from './provider-api';
import type { ProviderConfig } from './providers';
import { CONNECTION_ID } from './schemas';
import type { TokenVault } from './token-vault';

/**
 * Connected social accounts: the connect flow (authorization code + PKCE S256, state bound to
 * the browser, exact redirect URI, issuer checked), tokens sealed per connection, refresh under
 * a conditional lease, revocation at the provider before deletion, and the provider's API used
 * with the connection's token, server-side only.
 */
export const CONNECT_TTL_MS = 10 * 60_000;
/**
 * Binds a connect flow to the browser that asked for it (RFC 9700 §4.7, §2.1): set by
 * POST /v1/connections, sent only to the connections routes.
 */
export const BINDING_COOKIE = 'hs_connect';
export const BINDING_COOKIE_PATH = '/v1/connections';
const LEASE_MS = 15_000;
const WAIT_STEP_MS = 100;
const WAIT_LIMIT_MS = 8_000;
const LAST_USED_RESOLUTION_MS = 60_000;

/** A revocation the provider did not confirm, queued to retry; the tokens stay sealed. */
export interface RevocationMessage {
  userId: string;
  connectionId: string;
  provider: string;
  sealed: SealedTokens;
  reason: string;
  queuedAt: string;
}

export interface RevocationQueue {
  send(message: RevocationMessage): Promise<void>;
}

export interface ConnectionAuditEvent {
  actor: string;
  action: string;
  subject: string;
  reason?: string;
  details?: Record<string, string | number | boolean | null>;
}

export interface ConnectionsDeps {
  providers: ProviderConfig[];
  store: ConnectionStore;
  vault: TokenVault;
  oauth: OAuthClient;
  api: ProviderApi;
  revocations: RevocationQueue;
  /**
   * Appends an audit entry. With `alongside` (a store write such as `store.deleteWrite`), both
   * commit in one transaction; AlongsideWriteRefusedError when that write's condition fails.
   */
  audit(event: ConnectionAuditEvent, alongside?: unknown): Promise<unknown>;
  /** The backend's public base URL: the start step and the callback live there. */
  publicUrl: string;
  /** The one place the callback redirects to (the stage's app page). */
  appUrl: string;
  now(): number;
  sleep?(ms: number): Promise<void>;
  log?: { info(message: string, extra?: Record<string, unknown>): void; warn(message: string, extra?: Record<string, unknown>): void };
}

export interface ConnectionView {
  id: string;
  provider: string;
  accountId: string;
  accountName: string;
  scopes: string[];
  status: 'active' | 'needs_reauth';
  createdAt: string;
  lastUsedAt: string | null;
}

export interface CallbackQuery {
  code?: string | null;
  state?: string | null;
  iss?: string | null;
  error?: string | null;
}

export function digest(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('base64url');
}

/** The one comparison of two digests: constant time. */
export function digestsEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function newConnectionId(): string {
  return `con_${randomBytes(16).toString('hex')}`;
}

/** Refresh this long before expiry: a fifth of the lifetime, at most a minute (5-second tokens: 1 s). */
export function refreshMarginMs(lifetimeSeconds: number): number {
  return Math.min(60_000, Math.floor(lifetimeSeconds * 1000 * 0.2));
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  return parseCookie(header)[name] || undefined;
}

export function view(record: ConnectionRecord): ConnectionView {
  return {
    id: record.connectionId,
    provider: record.provider,
    accountId: record.accountId,
    accountName: record.accountName,
    scopes: record.scopes,
    status: record.status,
    createdAt: record.createdAt,
    lastUsedAt: record.lastUsedAtMs === null ? null : new Date(record.lastUsedAtMs).toISOString(),
  };
}

export function connectionsService(deps: ConnectionsDeps) {
  const { store, vault, oauth, api, now } = deps;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const byId = new Map(deps.providers.map((p) => [p.id, p]));
  const callbackUrl = `${deps.publicUrl}/v1/connections/callback`;
  // Secure where the stage is https (the local stage is plain http).
  const secureCookie = deps.publicUrl.startsWith('https:');

  function appRedirect(params: Record<string, string>): string {
    const url = new URL(deps.appUrl);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    return url.toString();
  }

  function providerOf(id: string): ProviderConfig {
    const p = byId.get(id);
    if (!p) throw new ConnectionNotFoundError();
    return p;
  }

  function connectionIdOrNotFound(id: string): string {
    if (!CONNECTION_ID.test(id)) throw new ConnectionNotFoundError();
    return id;
  }

  // ---------------------------------------------------------------- connect

  /** Input already shaped by the route's schema; the provider and its scopes are checked here. */
  async function beginConnect(userId: string, body: { provider: string; scopes?: string[] | null }): Promise<{ connectUrl: string; expiresAt: string; cookie: string }> {
    const provider = byId.get(body.provider);
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

  function bindingCookie(value: string, maxAge: number): string {
    return stringifySetCookie({ name: BINDING_COOKIE, value, path: BINDING_COOKIE_PATH, maxAge, httpOnly: true, sameSite: 'lax', secure: secureCookie });
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
    const provider = providerOf(txn.provider);
    const location = await oauth.authorizationUrl(provider, { redirectUri: txn.redirectUri, scopes: txn.scopes, state, codeVerifier: txn.codeVerifier });
    return { location };
  }

  const clearCookie = bindingCookie('', 0);

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
    const provider = providerOf(txn.provider);
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
      await revokeTokensAtProvider(provider, grant).catch(() => undefined);
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
    for (const old of previous) await disconnectRecord(old, { actor: `user:${txn.userId}`, reason: 'replaced by a new connection of the same account' });
    await deps.audit({ actor: `user:${txn.userId}`, action: 'connections.connect', subject: txn.userId, details: { connection: connectionId, provider: provider.id, replaced: previous.length } });
    return connectionId;
  }

  // ---------------------------------------------------------------- list

  async function list(userId: string): Promise<ConnectionView[]> {
    const records = await store.listConnections(userId);
    return records.sort((a, b) => a.createdAt.localeCompare(b.createdAt)).map(view);
  }

  function listProviders() {
    return deps.providers.map((p) => ({ id: p.id, name: p.name, scopes: p.scopes }));
  }

  // ---------------------------------------------------------------- tokens: use and refresh

  /**
   * A usable access token. Fresh: decrypt and go. Expired or about to: take the lease (one
   * conditional write) and refresh; the rotated refresh token is saved before the new access
   * token is used. A caller that loses the lease waits and re-reads. `staleVersion` forces a
   * refresh when the provider rejected the token of that version.
   */
  async function usableToken(userId: string, connectionId: string, staleVersion?: number): Promise<{ record: ConnectionRecord; accessToken: string }> {
    const deadline = now() + WAIT_LIMIT_MS;
    const owner = `refresh-${randomBytes(8).toString('hex')}`;
    for (;;) {
      const record = await store.getConnection(userId, connectionId);
      if (!record) throw new ConnectionNotFoundError();
      if (record.status === 'needs_reauth') throw new ConnectionNeedsReauthError();
      const nowMs = now();
      const context = encryptionContextOf(record);
      const forced = staleVersion !== undefined && record.version === staleVersion;
      if (!forced && record.accessExpiresAtMs - refreshMarginMs(record.accessLifetimeSeconds) > nowMs) {
        const opened = await vault.open(record.sealed, context);
        return { record, accessToken: opened.tokens.accessToken };
      }
      const leased = record.leaseUntilMs !== undefined && record.leaseUntilMs >= nowMs;
      if (leased || !(await store.takeLease(userId, connectionId, { version: record.version, owner, untilMs: nowMs + LEASE_MS, nowMs }))) {
        if (now() > deadline) throw new ProviderUnavailableError(2);
        await sleep(WAIT_STEP_MS);
        continue;
      }
      const opened = await vault.open(record.sealed, context);
      if (!opened.tokens.refreshToken) {
        await store.markNeedsReauth(userId, connectionId, owner);
        throw new ConnectionNeedsReauthError();
      }
      const provider = providerOf(record.provider);
      let grant;
      try {
        grant = await oauth.refresh(provider, opened.tokens.refreshToken, record.scopes);
      } catch (error) {
        if (error instanceof GrantRevokedError) {
          // Re-read before declaring the grant dead: a lease that expired under us may mean
          // someone else refreshed in the meantime, and their tokens are good.
          const again = await store.getConnection(userId, connectionId);
          if (again && again.version !== record.version) continue;
          await store.markNeedsReauth(userId, connectionId, owner);
          deps.log?.info('connection needs reauthorization', { connection: connectionId, provider: provider.id });
          throw new ConnectionNeedsReauthError();
        }
        await store.releaseLease(userId, connectionId, owner);
        throw new ProviderUnavailableError((error as ProviderCallError).retryAfterSeconds ?? 30, { cause: error });
      }
      const tokens: ProviderTokens = { accessToken: grant.accessToken, refreshToken: grant.refreshToken };
      const saved = await store.saveRefreshed(userId, connectionId, owner, {
        sealed: vault.reseal(opened, record.sealed, context, tokens),
        accessExpiresAtMs: now() + grant.expiresInSeconds * 1000,
        accessLifetimeSeconds: grant.expiresInSeconds,
        scopes: grant.grantedScopes.filter((s) => !provider.extraScopes.includes(s)),
        version: record.version + 1,
      });
      if (!saved) {
        // The lease was lost (we were slower than LEASE_MS): the rotated refresh token could not
        // be saved, so the new access token is not used either.
        deps.log?.warn('refresh lease lost before saving', { connection: connectionId });
        throw new ProviderUnavailableError(2);
      }
      return { record: { ...record, version: record.version + 1, scopes: grant.grantedScopes }, accessToken: grant.accessToken };
    }
  }

  async function withProvider<T>(userId: string, rawId: string, scope: string, call: (provider: ProviderConfig, token: string) => Promise<T>, retryOnRejectedToken: boolean): Promise<T> {
    const connectionId = connectionIdOrNotFound(rawId);
    let { record, accessToken } = await usableToken(userId, connectionId);
    if (!record.scopes.includes(scope)) throw new ScopeNotGrantedError(scope);
    const provider = providerOf(record.provider);
    for (let attempt = 0; ; attempt += 1) {
      try {
        const result = await call(provider, accessToken);
        const nowMs = now();
        // lastUsedAt at a minute's resolution: no write at all (not even a refused one) within it.
        if (record.lastUsedAtMs === null || record.lastUsedAtMs <= nowMs - LAST_USED_RESOLUTION_MS) {
          await store.touch(userId, connectionId, nowMs, nowMs - LAST_USED_RESOLUTION_MS);
        }
        return result;
      } catch (error) {
        if (error instanceof AccessTokenRejectedError && attempt === 0 && retryOnRejectedToken) {
          // The provider refused the token (revoked there, or expired early): refresh once, which
          // turns the connection needs_reauth if the grant itself is gone.
          ({ record, accessToken } = await usableToken(userId, connectionId, record.version));
          continue;
        }
        if (error instanceof AccessTokenRejectedError) throw new ConnectionNeedsReauthError();
        if (error instanceof ProviderCallError) throw new ProviderUnavailableError(error.retryAfterSeconds ?? 30, { cause: error });
        throw error;
      }
    }
  }

  async function listPosts(userId: string, id: string): Promise<Post[]> {
    return withProvider(userId, id, 'posts.read', (provider, token) => api.listPosts(provider, token), true);
  }

  /** The text arrives checked by the route's schema (1–280 characters). */
  async function publishPost(userId: string, id: string, text: string): Promise<Post> {
    // A 401 means the provider did not publish: retrying with a refreshed token cannot double-post.
    // Anything else (timeout, 5xx) may have published, so it is never retried.
    return withProvider(userId, id, 'posts.write', (provider, token) => api.publishPost(provider, token, text), true);
  }

  // ---------------------------------------------------------------- revocation

  async function revokeTokensAtProvider(provider: ProviderConfig, tokens: ProviderTokens): Promise<void> {
    // RFC 7009 §2.1: revoking the refresh token ends the access tokens of the same grant.
    if (tokens.refreshToken) await oauth.revoke(provider, tokens.refreshToken, 'refresh_token');
    await oauth.revoke(provider, tokens.accessToken, 'access_token');
  }

  /**
   * Holds the lease (waiting out a refresh in flight), so the tokens revoked are the latest: one
   * conditional update that returns the row as leased.
   */
  async function leaseForDelete(userId: string, connectionId: string, owner: string): Promise<ConnectionRecord | undefined> {
    const deadline = now() + WAIT_LIMIT_MS;
    for (;;) {
      const nowMs = now();
      const leased = await store.leaseLatest(userId, connectionId, { owner, untilMs: nowMs + LEASE_MS, nowMs });
      if (leased === 'missing') return undefined;
      if (leased !== 'leased') return leased;
      if (now() > deadline) throw new ProviderUnavailableError(2);
      await sleep(WAIT_STEP_MS);
    }
  }

  /** Undefined when the connection does not exist (or another delete won). */
  async function disconnectRecord(record: { userId: string; connectionId: string }, by: { actor: string; reason: string }): Promise<{ revokedAtProvider: boolean } | undefined> {
    const owner = `delete-${randomBytes(8).toString('hex')}`;
    const leased = await leaseForDelete(record.userId, record.connectionId, owner);
    if (!leased) return undefined;
    const provider = byId.get(leased.provider);
    let revokedAtProvider = false;
    if (provider) {
      try {
        const opened = await vault.open(leased.sealed, encryptionContextOf(leased));
        await revokeTokensAtProvider(provider, opened.tokens);
        revokedAtProvider = true;
      } catch (error) {
        deps.log?.warn('revocation at the provider failed; queued for retry', { connection: leased.connectionId, provider: leased.provider, error: (error as Error).name });
      }
    }
    if (!revokedAtProvider) {
      // Queued before the row goes, so a crash in between leaves the connection listed (and
      // deletable again) rather than a live grant nobody will revoke.
      await deps.revocations.send({
        userId: leased.userId,
        connectionId: leased.connectionId,
        provider: leased.provider,
        sealed: leased.sealed,
        reason: by.reason,
        queuedAt: new Date(now()).toISOString(),
      });
    }
    // The row's delete (only while this lease holds) commits with its audit entry, or neither does.
    try {
      await deps.audit(
        {
          actor: by.actor,
          action: 'connections.disconnect',
          subject: leased.userId,
          reason: by.reason,
          details: { connection: leased.connectionId, provider: leased.provider, revokedAtProvider },
        },
        store.deleteWrite(leased.userId, leased.connectionId, owner),
      );
    } catch (error) {
      if (error instanceof AlongsideWriteRefusedError) return undefined;
      throw error;
    }
    // One per connection ended, by its customer or by ops (revoke-all); docs/platform.md.
    countMetric('ConnectionsRevoked');
    return { revokedAtProvider };
  }

  async function disconnect(userId: string, rawId: string): Promise<void> {
    const connectionId = connectionIdOrNotFound(rawId);
    const outcome = await disconnectRecord({ userId, connectionId }, { actor: `user:${userId}`, reason: 'disconnected by the customer' });
    if (!outcome) throw new ConnectionNotFoundError();
  }

  /** Emergency: every connection of a customer, each revoked at the provider (ops, audited). */
  async function revokeAll(userId: string, by: { actor: string; reason: string }) {
    await deps.audit({ actor: by.actor, action: 'connections.revoke-all', subject: userId, reason: by.reason });
    const results = [];
    for (const record of await store.listConnections(userId)) {
      const outcome = await disconnectRecord(record, by);
      if (outcome) results.push({ connection: record.connectionId, provider: record.provider, revokedAtProvider: outcome.revokedAtProvider });
    }
    return { user: userId, connections: results };
  }

  /** The queue worker: one retry of a revocation the provider did not confirm. */
  async function retryRevocation(message: RevocationMessage): Promise<void> {
    const provider = byId.get(message.provider);
    if (!provider) throw new Error(`revocation for unknown provider ${message.provider}`);
    const opened = await vault.open(message.sealed, encryptionContextOf(message));
    await revokeTokensAtProvider(provider, opened.tokens);
    await deps.audit({
      actor: 'system:connections-revocations',
      action: 'connections.revoked-at-provider',
      subject: message.userId,
      details: { connection: message.connectionId, provider: message.provider, queuedAt: message.queuedAt },
    });
  }

  return { listProviders, beginConnect, start, callback, list, listPosts, publishPost, disconnect, revokeAll, retryRevocation, usableToken };
}

export type ConnectionsService = ReturnType<typeof connectionsService>;
