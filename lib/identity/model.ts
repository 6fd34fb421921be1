import type { TokenKind } from './token-format';

/** The user item of the accounts table (shape shared with billing and ops; see the brief). */
export interface UserRecord {
  userId: string;
  email: string;
  name: string | null;
  passwordHash: string;
  emailVerified: boolean;
  createdAt: string;
  verifiedAt?: string;
  billing?: {
    customerId?: string | null;
    subscriptionId?: string | null;
    status?: string | null;
    plan?: string | null;
    periodEnd?: string | null;
    updatedAt?: string | null;
  };
}

/** A bearer token as stored: never the secret, only its digest. */
export interface TokenRecord {
  userId: string;
  tokenId: string;
  kind: TokenKind;
  name: string;
  digest: string;
  createdAt: string;
  createdAtMs: number;
  lastUsedAt: string | null;
  lastUsedAtMs: number | null;
  expiresAt: string;
  expiresAtMs: number;
}

/**
 * The per-user "valid after" mark: every token created at or before `validAfterMs` is revoked,
 * except `exceptTokenId` (the caller's own token when it changes its password).
 */
export interface RevocationMark {
  validAfterMs: number;
  exceptTokenId?: string;
}

export function isRevokedByMark(token: Pick<TokenRecord, 'tokenId' | 'createdAtMs'>, mark: RevocationMark | undefined): boolean {
  return mark !== undefined && token.createdAtMs <= mark.validAfterMs && token.tokenId !== mark.exceptTokenId;
}

/** A verification or reset token as stored. */
export interface OneTimeTokenRecord {
  purpose: 'verify' | 'reset';
  digest: string;
  userId: string;
  expiresAtMs: number;
}

export interface IdentityStore {
  /** One transaction: user item, email lock and the verification token. */
  createUser(user: UserRecord, verification: OneTimeTokenRecord): Promise<'created' | 'email_taken'>;
  findUserIdByEmail(email: string): Promise<string | undefined>;
  getUser(userId: string): Promise<UserRecord | undefined>;
  putOneTimeToken(token: OneTimeTokenRecord): Promise<void>;
  /** Consumes a verification token and marks the email verified, atomically. False if unusable. */
  consumeVerification(userId: string, digest: string, nowMs: number, verifiedAt: string): Promise<boolean>;
  /** Returns the reset token's user if the token is usable now (no write). */
  peekReset(userId: string, digest: string, nowMs: number): Promise<UserRecord | undefined>;
  /** Consumes a reset token, sets the new hash and revokes every token, atomically. */
  consumeReset(userId: string, digest: string, nowMs: number, newHash: string, nowIso: string): Promise<boolean>;
  /** Replaces the hash only if it is still `expected` (re-hash at login, password change). */
  replacePasswordHash(userId: string, expected: string, newHash: string, revoke?: RevocationMark): Promise<boolean>;

  putToken(token: TokenRecord): Promise<void>;
  /** One strongly consistent read: the token, the user's mark and (optionally) the user item. */
  loadForAuthentication(userId: string, tokenId: string, withUser: boolean): Promise<{ token?: TokenRecord; mark?: RevocationMark; user?: UserRecord }>;
  /** Writes last-used only when the stored value is older than `staleBeforeMs`, never resurrecting a deleted token. */
  touchToken(userId: string, tokenId: string, nowMs: number, nowIso: string, staleBeforeMs: number): Promise<void>;
  /** Deletes a token of this user; with `digest`, only if the digest matches. False if there was none. */
  deleteToken(userId: string, tokenId: string, digest?: string): Promise<boolean>;
  listTokens(userId: string): Promise<{ tokens: TokenRecord[]; mark?: RevocationMark }>;
  deleteTokens(userId: string, tokenIds: string[]): Promise<void>;
  setRevocationMark(userId: string, mark: RevocationMark): Promise<void>;
}

export interface LoginThrottleStore {
  load(accountKey: string, ipKey: string): Promise<import('./login-throttle').ThrottleState>;
  recordFailure(accountKey: string, ipKey: string, trustedPair: boolean, nowMs: number): Promise<void>;
  recordSuccess(accountKey: string, ipKey: string, nowMs: number): Promise<void>;
}
