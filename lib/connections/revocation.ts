import { AlongsideWriteRefusedError } from '../audit/audit-log';
import { countMetric } from '../platform/metrics';
import { TryAgainError } from '../platform/retry';
import { leaseOwner, LEASE_MS, whileLeased, type ConnectionsContext } from './context';
import { ConnectionNotFoundError, encryptionContextOf, type ConnectionRecord, type ProviderTokens, type RevocationMessage } from './model';
import type { ProviderConfig } from './providers';

/**
 * Ending connections: revoked at the provider first (RFC 7009), queued to retry when the provider
 * does not confirm, and the row deleted under a lease with its audit entry, by the customer, by
 * ops (revoke-all) or when the same account is connected again.
 */

export function connectionRevocation(ctx: ConnectionsContext) {
  const { store, vault, oauth, now } = ctx.deps;

  async function revokeTokensAtProvider(provider: ProviderConfig, tokens: ProviderTokens): Promise<void> {
    // RFC 7009 §2.1: revoking the refresh token ends the access tokens of the same grant.
    if (tokens.refreshToken) await oauth.revoke(provider, tokens.refreshToken, 'refresh_token');
    await oauth.revoke(provider, tokens.accessToken, 'access_token');
  }

  /**
   * Holds the lease (waiting out a refresh in flight), so the tokens revoked are the latest: one
   * conditional update that returns the row as leased.
   */
  function leaseForDelete(userId: string, connectionId: string, owner: string): Promise<ConnectionRecord | undefined> {
    return whileLeased(async () => {
      const nowMs = now();
      const leased = await store.leaseLatest(userId, connectionId, { owner, untilMs: nowMs + LEASE_MS, nowMs });
      if (leased === 'missing') return undefined;
      if (leased === 'leased') throw new TryAgainError();
      return leased;
    });
  }

  /** Undefined when the connection does not exist (or another delete won). */
  async function disconnectRecord(record: { userId: string; connectionId: string }, by: { actor: string; reason: string }): Promise<{ revokedAtProvider: boolean } | undefined> {
    const owner = leaseOwner('delete');
    const leased = await leaseForDelete(record.userId, record.connectionId, owner);
    if (!leased) return undefined;
    const provider = ctx.findProvider(leased.provider);
    let revokedAtProvider = false;
    if (provider) {
      try {
        const opened = await vault.open(leased.sealed, encryptionContextOf(leased));
        await revokeTokensAtProvider(provider, opened.tokens);
        revokedAtProvider = true;
      } catch (error) {
        ctx.deps.log?.warn('revocation at the provider failed; queued for retry', { connection: leased.connectionId, provider: leased.provider, error: (error as Error).name });
      }
    }
    if (!revokedAtProvider) {
      // Queued before the row goes, so a crash in between leaves the connection listed (and
      // deletable again) rather than a live grant nobody will revoke.
      await ctx.deps.revocations.send({
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
      await ctx.deps.audit(
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
    const connectionId = ctx.connectionIdOrNotFound(rawId);
    const outcome = await disconnectRecord({ userId, connectionId }, { actor: `user:${userId}`, reason: 'disconnected by the customer' });
    if (!outcome) throw new ConnectionNotFoundError();
  }

  /** Emergency: every connection of a customer, each revoked at the provider (ops, audited). */
  async function revokeAll(userId: string, by: { actor: string; reason: string }) {
    await ctx.deps.audit({ actor: by.actor, action: 'connections.revoke-all', subject: userId, reason: by.reason });
    const results = [];
    for (const record of await store.listConnections(userId)) {
      const outcome = await disconnectRecord(record, by);
      if (outcome) results.push({ connection: record.connectionId, provider: record.provider, revokedAtProvider: outcome.revokedAtProvider });
    }
    return { user: userId, connections: results };
  }

  /** The queue worker: one retry of a revocation the provider did not confirm. */
  async function retryRevocation(message: RevocationMessage): Promise<void> {
    const provider = ctx.findProvider(message.provider);
    if (!provider) throw new Error(`revocation for unknown provider ${message.provider}`);
    const opened = await vault.open(message.sealed, encryptionContextOf(message));
    await revokeTokensAtProvider(provider, opened.tokens);
    await ctx.deps.audit({
      actor: 'system:connections-revocations',
      action: 'connections.revoked-at-provider',
      subject: message.userId,
      details: { connection: message.connectionId, provider: message.provider, queuedAt: message.queuedAt },
    });
  }

  return { revokeTokensAtProvider, disconnectRecord, disconnect, revokeAll, retryRevocation };
}

export type ConnectionRevocation = ReturnType<typeof connectionRevocation>;
