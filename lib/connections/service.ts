import { connectFlow } from './connect-flow';
import { connectionsContext, type ConnectionsDeps } from './context';
import type { ConnectionRecord } from './model';
import { connectionRevocation } from './revocation';
import { tokenLease } from './token-lease';

/**
 * Connected social accounts, put together from their parts: the connect flow (connect-flow.ts),
 * the tokens in use under a refresh lease (token-lease.ts) and revocation (revocation.ts), over
 * the dependencies they share (context.ts). Listing is here.
 */
export type { ConnectionsDeps } from './context';
export type { RevocationMessage } from './model';

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
  const ctx = connectionsContext(deps);
  const revocation = connectionRevocation(ctx);
  const { beginConnect, start, callback } = connectFlow(ctx, revocation);
  const { usableToken, listPosts, publishPost } = tokenLease(ctx);
  const { disconnect, revokeAll, retryRevocation } = revocation;

  async function list(userId: string): Promise<ConnectionView[]> {
    const records = await deps.store.listConnections(userId);
    return records.sort((a, b) => a.createdAt.localeCompare(b.createdAt)).map(view);
  }

  function listProviders() {
    return deps.providers.map((p) => ({ id: p.id, name: p.name, scopes: p.scopes }));
  }

  return { listProviders, beginConnect, start, callback, list, listPosts, publishPost, disconnect, revokeAll, retryRevocation, usableToken };
}

export type ConnectionsService = ReturnType<typeof connectionsService>;
