import { createHash, randomBytes } from 'node:crypto';
import { retry } from '../platform/retry';
import { ConnectionNotFoundError, ProviderUnavailableError, type ConnectionStore, type RevocationQueue } from './model';
import type { OAuthClient } from './oauth-client';
import type { ProviderApi } from './provider-api';
import type { ProviderConfig } from './providers';
import { CONNECTION_ID } from './schemas';
import type { TokenVault } from './token-vault';

/**
 * What the parts of the connections service share (connect-flow.ts, token-lease.ts,
 * revocation.ts; service.ts puts them together): the dependencies, the provider lookups and the
 * one way to wait for a lease.
 */
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
  log?: { info(message: string, extra?: Record<string, unknown>): void; warn(message: string, extra?: Record<string, unknown>): void };
}

export interface ConnectionsContext {
  deps: ConnectionsDeps;
  /** The provider of this id, or undefined. */
  findProvider(id: string): ProviderConfig | undefined;
  /** The provider of this id; a connection of a provider no longer configured is not found. */
  providerOf(id: string): ProviderConfig;
  /** A connection id as the routes take it: any other string is the same 404. */
  connectionIdOrNotFound(id: string): string;
}

export function connectionsContext(deps: ConnectionsDeps): ConnectionsContext {
  const byId = new Map(deps.providers.map((p) => [p.id, p]));
  return {
    deps,
    findProvider: (id) => byId.get(id),
    providerOf(id) {
      const p = byId.get(id);
      if (!p) throw new ConnectionNotFoundError();
      return p;
    },
    connectionIdOrNotFound(id) {
      if (!CONNECTION_ID.test(id)) throw new ConnectionNotFoundError();
      return id;
    },
  };
}

/** A lease is held this long: a refresh or a delete finishes well within it. */
export const LEASE_MS = 15_000;
const WAIT_STEP_MS = 100;
const WAIT_LIMIT_MS = 8_000;

/**
 * Waits for a lease another request holds (a refresh or a delete in flight): `attempt` runs again
 * every 100 ms while it throws TryAgainError, for up to 8 s; then 502 provider_unavailable with
 * Retry-After 2 (lib/platform/retry.ts does the waiting).
 */
export function whileLeased<T>(attempt: () => Promise<T>): Promise<T> {
  return retry(attempt, { attempts: WAIT_LIMIT_MS / WAIT_STEP_MS, minDelayMs: WAIT_STEP_MS, baseDelayMs: 0, exhausted: () => new ProviderUnavailableError(2) });
}

export function digest(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('base64url');
}

/** A lease owner's name: unique per request. */
export const leaseOwner = (purpose: 'refresh' | 'delete') => `${purpose}-${randomBytes(8).toString('hex')}`;
