import { AppError, ConflictError, NotFoundError } from '../platform/errors';

/** A stored connection as the domain sees it (the sealed tokens stay opaque here). */
export type ConnectionStatus = 'active' | 'needs_reauth';

export interface SealedTokens {
  /** The connection's data key, encrypted by KMS under the encryption context (base64). */
  dataKey: string;
  iv: string;
  ciphertext: string;
  tag: string;
}

/** What the sealed blob holds. Never logged, never returned, never queued in the clear. */
export interface ProviderTokens {
  accessToken: string;
  refreshToken?: string;
}

export interface ConnectionRecord {
  userId: string;
  connectionId: string;
  provider: string;
  accountId: string;
  accountName: string;
  scopes: string[];
  status: ConnectionStatus;
  createdAt: string;
  lastUsedAtMs: number | null;
  accessExpiresAtMs: number;
  accessLifetimeSeconds: number;
  version: number;
  sealed: SealedTokens;
  leaseOwner?: string;
  leaseUntilMs?: number;
}

export interface ConnectTransaction {
  stateDigest: string;
  userId: string;
  provider: string;
  issuer: string;
  scopes: string[];
  codeVerifier: string;
  redirectUri: string;
  expiresAtMs: number;
  /** The digest of the binding cookie set on the browser that asked (POST /v1/connections). */
  bindingDigest: string;
  /** Set once, by the start step: the link works once. */
  startedAtMs?: number;
}

/** A revocation the provider did not confirm, queued to retry; the tokens stay sealed. */
export interface RevocationMessage {
  userId: string;
  connectionId: string;
  provider: string;
  sealed: SealedTokens;
  reason: string;
  queuedAt: string;
}

/** The revocation queue's port (sqs-revocation-queue.ts is the adapter). */
export interface RevocationQueue {
  send(message: RevocationMessage): Promise<void>;
}

/**
 * The store's port: every decision that depends on stored state is one conditional write
 * (dynamo-connection-store.ts is the adapter).
 */
export interface ConnectionStore {
  putTransaction(txn: ConnectTransaction): Promise<void>;
  /** Marks the transaction started if it is this browser's, not started yet and unexpired; otherwise says why not. */
  startTransaction(stateDigest: string, bindingDigest: string | undefined, nowMs: number): Promise<{ txn?: ConnectTransaction; refused?: 'unknown' | 'browser_mismatch' | 'expired' | 'used' }>;
  /** Consumes the transaction if it is this browser's, started and unexpired; otherwise says why not. */
  consumeTransaction(stateDigest: string, bindingDigest: string | undefined, nowMs: number): Promise<{ txn?: ConnectTransaction; refused?: 'unknown' | 'browser_mismatch' | 'expired' }>;
  putConnection(record: ConnectionRecord): Promise<void>;
  getConnection(userId: string, connectionId: string): Promise<ConnectionRecord | undefined>;
  listConnections(userId: string): Promise<ConnectionRecord[]>;
  takeLease(userId: string, connectionId: string, expected: { version: number; owner: string; untilMs: number; nowMs: number }): Promise<boolean>;
  saveRefreshed(userId: string, connectionId: string, owner: string, update: { sealed: SealedTokens; accessExpiresAtMs: number; accessLifetimeSeconds: number; scopes: string[]; version: number }): Promise<boolean>;
  releaseLease(userId: string, connectionId: string, owner: string): Promise<void>;
  markNeedsReauth(userId: string, connectionId: string, owner: string): Promise<void>;
  touch(userId: string, connectionId: string, nowMs: number, olderThanMs: number): Promise<void>;
  /**
   * The lease for a delete, in one conditional update that returns the row as leased: the latest
   * sealed tokens with no refresh in flight (`leased` while another holds a live lease, `missing`
   * when there is no such row).
   */
  leaseLatest(userId: string, connectionId: string, lease: { owner: string; untilMs: number; nowMs: number }): Promise<ConnectionRecord | 'leased' | 'missing'>;
  /** The delete as a write to commit with its audit entry (a TransactWriteItem): only by the lease holder. */
  deleteWrite(userId: string, connectionId: string, owner: string): unknown;
}

/** The binding of a ciphertext to its row: KMS refuses to decrypt under any other context. */
export interface EncryptionContext {
  user: string;
  connection: string;
  provider: string;
  [key: string]: string;
}

export function encryptionContextOf(c: { userId: string; connectionId: string; provider: string }): EncryptionContext {
  return { user: c.userId, connection: c.connectionId, provider: c.provider };
}

export class ConnectionNotFoundError extends NotFoundError {
  constructor() {
    super('not_found', 'No such connection.');
  }
}

export class ConnectionNeedsReauthError extends ConflictError {
  constructor() {
    super('connection_needs_reauth', 'The provider no longer accepts this connection. Connect the account again.');
  }
}

/** The provider failed, hung or answered something unusable: 502 with Retry-After. */
export class ProviderUnavailableError extends AppError {
  constructor(retryAfterSeconds = 30, options?: { cause?: unknown }) {
    super(502, 'provider_unavailable', 'The social provider is not answering properly. Try again later.', {
      cause: options?.cause,
      headers: { 'Retry-After': String(Math.min(3600, Math.max(1, Math.ceil(retryAfterSeconds)))) },
    });
  }
}

export class ScopeNotGrantedError extends AppError {
  constructor(scope: string) {
    super(403, 'scope_not_granted', `This connection was not granted the ${scope} scope. Connect the account again with it.`);
  }
}

/** Why a callback ended on the error redirect; the code is what `reason=` carries. */
export class ConnectFailedError extends Error {
  constructor(readonly reason: 'access_denied' | 'invalid_state' | 'browser_mismatch' | 'issuer_mismatch' | 'exchange_failed' | 'provider_error' | 'provider_unavailable', options?: { cause?: unknown }) {
    super(`connect failed: ${reason}`, options);
    this.name = 'ConnectFailedError';
  }
}

/** Refused by the provider with invalid_grant (or a 401 on its API): the grant is gone. */
export class GrantRevokedError extends Error {
  constructor(options?: { cause?: unknown }) {
    super('the provider refused the grant', options);
    this.name = 'GrantRevokedError';
  }
}

/** The provider is down, slow, or answered garbage. */
export class ProviderCallError extends Error {
  constructor(message: string, readonly retryAfterSeconds?: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProviderCallError';
  }
}
