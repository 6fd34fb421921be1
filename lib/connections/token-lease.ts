import { TryAgainError } from '../platform/retry';
import { leaseOwner, LEASE_MS, whileLeased, type ConnectionsContext } from './context';
import {
  ConnectionNeedsReauthError,
  ConnectionNotFoundError,
  encryptionContextOf,
  GrantRevokedError,
  ProviderCallError,
  ProviderUnavailableError,
  ScopeNotGrantedError,
  type ConnectionRecord,
  type ProviderTokens,
} from './model';
import { AccessTokenRejectedError, type Post } from './provider-api';
import type { ProviderConfig } from './providers';

/**
 * A connection's tokens in use: the access token opened when fresh, refreshed under a
 * conditional lease when not (the rotated refresh token saved before the new access token is
 * used), and the provider's API called with it, server-side only.
 */
const LAST_USED_RESOLUTION_MS = 60_000;

/** Refresh this long before expiry: a fifth of the lifetime, at most a minute (5-second tokens: 1 s). */
export function refreshMarginMs(lifetimeSeconds: number): number {
  return Math.min(60_000, Math.floor(lifetimeSeconds * 1000 * 0.2));
}

export function tokenLease(ctx: ConnectionsContext) {
  const { store, vault, oauth, api, now } = ctx.deps;

  /**
   * A usable access token. Fresh: decrypt and go. Expired or about to: take the lease (one
   * conditional write) and refresh; the rotated refresh token is saved before the new access
   * token is used. A caller that loses the lease waits and re-reads. `staleVersion` forces a
   * refresh when the provider rejected the token of that version.
   */
  async function usableToken(userId: string, connectionId: string, staleVersion?: number): Promise<{ record: ConnectionRecord; accessToken: string }> {
    const owner = leaseOwner('refresh');
    return whileLeased(async () => {
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
      if (leased || !(await store.takeLease(userId, connectionId, { version: record.version, owner, untilMs: nowMs + LEASE_MS, nowMs }))) throw new TryAgainError();
      const opened = await vault.open(record.sealed, context);
      if (!opened.tokens.refreshToken) {
        await store.markNeedsReauth(userId, connectionId, owner);
        throw new ConnectionNeedsReauthError();
      }
      const provider = ctx.providerOf(record.provider);
      let grant;
      try {
        grant = await oauth.refresh(provider, opened.tokens.refreshToken, record.scopes);
      } catch (error) {
        if (error instanceof GrantRevokedError) {
          // Re-read before declaring the grant dead: a lease that expired under us may mean
          // someone else refreshed in the meantime, and their tokens are good.
          const again = await store.getConnection(userId, connectionId);
          if (again && again.version !== record.version) throw new TryAgainError();
          await store.markNeedsReauth(userId, connectionId, owner);
          ctx.deps.log?.info('connection needs reauthorization', { connection: connectionId, provider: provider.id });
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
        ctx.deps.log?.warn('refresh lease lost before saving', { connection: connectionId });
        throw new ProviderUnavailableError(2);
      }
      return { record: { ...record, version: record.version + 1, scopes: grant.grantedScopes }, accessToken: grant.accessToken };
    });
  }

  async function withProvider<T>(userId: string, rawId: string, scope: string, call: (provider: ProviderConfig, token: string) => Promise<T>, retryOnRejectedToken: boolean): Promise<T> {
    const connectionId = ctx.connectionIdOrNotFound(rawId);
    let { record, accessToken } = await usableToken(userId, connectionId);
    if (!record.scopes.includes(scope)) throw new ScopeNotGrantedError(scope);
    const provider = ctx.providerOf(record.provider);
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

  return { usableToken, listPosts, publishPost };
}
