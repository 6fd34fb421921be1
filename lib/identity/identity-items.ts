import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Credential, OneTimeTokenRecord, RevocationMark, TokenRecord, UserRecord } from './model';

/**
 * The identity items in DynamoDB: their keys, their TTL, and the records read back from them
 * (pure: no client). lib/identity/identity-writes.ts builds the writes, dynamo-identity-store.ts
 * sends them.
 *
 * accounts table
 *   USER#<userId>  / PROFILE   the user item (shape shared with billing and ops; no password hash)
 *   EMAIL#<email>  / LOCK      the credential: { userId, email, passwordHash, credentialVersion,
 *                              emailVerified, pendingUntilMs?, verifyMailMs?, ttl? }. It makes the
 *                              normalised email unique and is the one item a login reads.
 *                              Pending only: pendingSignups (signup id → ms), signupId (whose hash it is).
 *   VERIFY#<sha256> / VERIFY   { userId, email, credentialVersion, expiresAtMs, ttl, signupId, passwordHash, name? }:
 *                              a verification token's digest and the signup it was mailed for
 *   EMAIL#<email>  / UNLOCK    { digest, userId, expiresAtMs, ttl }: the address's one unlock code (issue 21 §3)
 *   RESET#<sha256>  / RESET    { userId, email, credentialVersion, expiresAtMs, ttl }: a reset token's digest
 * tokens table
 *   USER#<userId>  / TOKEN#<tokenId>  a bearer token (digest, kind, name, credentialVersion, times, ttl)
 *   USER#<userId>  / REVOCATION       { credentialVersion, exceptTokenId, issued, personal }: the revocation mark
 *                                     (personal: token id → expiresAtMs of the personal tokens issued under it),
 *                                     written by verification and in the same transaction as
 *                                     every version change of a verified account
 *
 * Bearer tokens sit in their user's partition: the token and the mark are read together in one
 * strongly consistent BatchGetItem, a token listing is one Query, and a DELETE of another user's
 * token id finds nothing under the caller's key.
 */
export interface IdentityTables {
  accounts: string;
  tokens: string;
}

const DAY_SECONDS = 86_400;

/**
 * The one TTL rule of the accounts and tokens tables: an item is removed a day after it stops
 * mattering (DynamoDB TTL is late anyway, and every read checks the times itself).
 */
export function ttlAfter(untilMs: number): number {
  return Math.ceil(untilMs / 1000) + DAY_SECONDS;
}

/** The condition "the credential version is still `version`" (a credential written before versions counts as 0). */
export function versionIs(version: number): string {
  return version === 0 ? '(attribute_not_exists(credentialVersion) OR credentialVersion = :cv)' : 'credentialVersion = :cv';
}

export type ItemKey = { pk: string; sk: string };

/** One item of a TransactWriteItems request, and the request (the writes' builders answer these). */
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
export interface Transaction {
  TransactItems: TransactItem[];
}

export const userKey = (userId: string): ItemKey => ({ pk: `USER#${userId}`, sk: 'PROFILE' });
export const lockKey = (email: string): ItemKey => ({ pk: `EMAIL#${email}`, sk: 'LOCK' });
export const oneTimeKey = (purpose: OneTimeTokenRecord['purpose'], digest: string): ItemKey =>
  purpose === 'verify' ? { pk: `VERIFY#${digest}`, sk: 'VERIFY' } : { pk: `RESET#${digest}`, sk: 'RESET' };
export const tokenKey = (userId: string, tokenId: string): ItemKey => ({ pk: `USER#${userId}`, sk: `TOKEN#${tokenId}` });
export const markKey = (userId: string): ItemKey => ({ pk: `USER#${userId}`, sk: 'REVOCATION' });
export const unlockKey = (email: string): ItemKey => ({ pk: `EMAIL#${email}`, sk: 'UNLOCK' });

export function toUser(item: Record<string, unknown> | undefined): UserRecord | undefined {
  if (!item) return undefined;
  return {
    userId: String(item.userId),
    email: String(item.email),
    name: (item.name as string | null | undefined) ?? null,
    emailVerified: item.emailVerified === true,
    createdAt: String(item.createdAt),
    verifiedAt: item.verifiedAt as string | undefined,
    billing: item.billing as UserRecord['billing'],
  };
}

export function toToken(item: Record<string, unknown>): TokenRecord {
  return {
    userId: String(item.userId),
    tokenId: String(item.tokenId),
    kind: item.kind as TokenRecord['kind'],
    name: String(item.name),
    digest: String(item.digest),
    credentialVersion: Number(item.credentialVersion ?? 0),
    createdAt: String(item.createdAt),
    createdAtMs: Number(item.createdAtMs),
    lastUsedAt: (item.lastUsedAt as string | null | undefined) ?? null,
    lastUsedAtMs: item.lastUsedAtMs === undefined || item.lastUsedAtMs === null ? null : Number(item.lastUsedAtMs),
    expiresAt: String(item.expiresAt),
    expiresAtMs: Number(item.expiresAtMs),
    ...(typeof item.userAgent === 'string' ? { userAgent: item.userAgent } : {}),
    ...(typeof item.ipAddress === 'string' ? { ipAddress: item.ipAddress } : {}),
    ...(typeof item.confirmedAtMs === 'number' ? { confirmedAtMs: item.confirmedAtMs } : {}),
  };
}

export function toMark(item: Record<string, unknown> | undefined): RevocationMark | undefined {
  if (!item) return undefined;
  return {
    credentialVersion: Number(item.credentialVersion ?? 0),
    exceptTokenId: item.exceptTokenId as string | undefined,
    validAfterMs: item.validAfterMs === undefined ? undefined : Number(item.validAfterMs),
    issued: item.issued === undefined ? undefined : Number(item.issued),
    personal: item.personal && typeof item.personal === 'object' ? Object.fromEntries(Object.entries(item.personal as Record<string, unknown>).map(([id, ms]) => [id, Number(ms)])) : undefined,
  };
}

export function toCredential(item: Record<string, unknown> | undefined): Credential | undefined {
  if (!item || typeof item.passwordHash !== 'string') return undefined;
  return {
    userId: String(item.userId),
    email: String(item.email),
    passwordHash: item.passwordHash,
    version: Number(item.credentialVersion ?? 0),
    emailVerified: item.emailVerified === true,
    pendingUntilMs: item.pendingUntilMs === undefined ? undefined : Number(item.pendingUntilMs),
    verifyMailMs: item.verifyMailMs === undefined ? undefined : Number(item.verifyMailMs),
    sessionSeq: item.sessionSeq === undefined ? undefined : Number(item.sessionSeq),
    sessionIds: item.sessionIds && typeof item.sessionIds === 'object' ? (item.sessionIds as Record<string, string>) : undefined,
    pendingSignups:
      item.pendingSignups && typeof item.pendingSignups === 'object'
        ? Object.fromEntries(Object.entries(item.pendingSignups as Record<string, unknown>).map(([id, ms]) => [id, Number(ms)]))
        : undefined,
    signupId: typeof item.signupId === 'string' ? item.signupId : undefined,
    ...(item.totp === true ? { totp: true } : {}),
  };
}

/**
 * An item as a cancellation reason carries it (DynamoDB's typed form: { S }, { N }, { BOOL },
 * { NULL }, { M }); the types the credential item holds (its maps: the session ring, the pending
 * signups).
 */
export function plainItem(item: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!item) return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(item)) {
    const typed = value as { S?: string; N?: string; BOOL?: boolean; NULL?: boolean; M?: Record<string, unknown> };
    if (typed === null || typeof typed !== 'object') out[key] = value;
    else if (typed.S !== undefined) out[key] = typed.S;
    else if (typed.N !== undefined) out[key] = Number(typed.N);
    else if (typed.BOOL !== undefined) out[key] = typed.BOOL;
    else if (typed.NULL) out[key] = null;
    else if (typed.M !== undefined) out[key] = plainItem(typed.M);
  }
  return out;
}

export function toOneTime(purpose: OneTimeTokenRecord['purpose'], digest: string, item: Record<string, unknown> | undefined): OneTimeTokenRecord | undefined {
  if (!item || typeof item.email !== 'string') return undefined;
  const signup =
    typeof item.signupId === 'string' && typeof item.passwordHash === 'string'
      ? { id: item.signupId, passwordHash: item.passwordHash, ...('name' in item ? { name: (item.name as string | null) ?? null } : {}) }
      : undefined;
  return { purpose, digest, userId: String(item.userId), email: item.email, credentialVersion: Number(item.credentialVersion ?? 0), expiresAtMs: Number(item.expiresAtMs), ...(signup ? { signup } : {}) };
}
