import type { TokenKind } from './token-format';

/**
 * The user item of the accounts table (shape shared with billing and ops). The password hash is
 * not here: it lives on the credential item (see `Credential`), which login reads by email.
 */
export interface UserRecord {
  userId: string;
  email: string;
  name: string | null;
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

/**
 * What a login needs, in the one item it can find by email (the email lock): the user id, the
 * hash, whether the email is verified, and the credential version. The version goes up with every
 * change of the password (change, reset, a new signup of a pending account) and with revoke-all;
 * every bearer token carries the version it was issued under, and every reset and verification
 * token the version it was mailed under. Issuing a token checks the version in the same
 * transaction that writes it, so nothing obtained with an old password can outlive the change,
 * whatever the clocks of two Lambda instances say.
 */
export interface Credential {
  userId: string;
  email: string;
  passwordHash: string;
  version: number;
  emailVerified: boolean;
  /** An unverified account is forgotten after this instant (signup + 7 days). */
  pendingUntilMs?: number;
  /** When the last verification mail went out (the fresh-mail rate limit). */
  verifyMailMs?: number;
  /** Login sessions issued so far (the session ring's position; absent = 0). */
  sessionSeq?: number;
  /** The session ring: slot (sessionSeq mod MAX_SESSIONS) → the token id of the session issued there. */
  sessionIds?: Record<string, string>;
  /**
   * The authenticator app is on: a password sign-in also needs a code (lib/identity/mfa). Kept on
   * the item login reads anyway, so accounts without the app pay no extra request; no password
   * change or reset touches it.
   */
  totp?: boolean;
}

/** A bearer token as stored: never the secret, only its digest. */
export interface TokenRecord {
  userId: string;
  tokenId: string;
  kind: TokenKind;
  name: string;
  digest: string;
  /** The credential version the token was issued under. */
  credentialVersion: number;
  createdAt: string;
  createdAtMs: number;
  lastUsedAt: string | null;
  lastUsedAtMs: number | null;
  expiresAt: string;
  expiresAtMs: number;
  /** Sessions: where the sign-in came from (its User-Agent, cut to 256 characters, and address), shown in the sessions list. */
  userAgent?: string;
  ipAddress?: string;
  /** A login session's last POST /v1/sessions/confirm (recent sign-in); absent until then. */
  confirmedAtMs?: number;
}

/**
 * The per-user revocation mark, kept equal to the credential version (written in the same
 * transaction as every version change): a token issued under an older version is revoked, except
 * `exceptTokenId` (the caller's own token when it changes its password). `validAfterMs` is only
 * read from marks written before versions existed.
 */
export interface RevocationMark {
  credentialVersion: number;
  exceptTokenId?: string;
  validAfterMs?: number;
  /** Personal tokens issued under this mark so far (the cap's counter; reset with the mark). */
  issued?: number;
  /**
   * Personal token id → its expiresAtMs, for every personal token issued under this mark (written
   * in the token's own transaction; emptied when the mark is rewritten, which revokes them). A
   * superset of the live personal tokens: a deleted token stays until the map is rebuilt from a
   * Query. Absent (marks written before it existed, or a password change made with an access
   * token) means unknown: the next creation rebuilds it.
   */
  personal?: Record<string, number>;
}

export function isRevokedByMark(token: Pick<TokenRecord, 'tokenId' | 'createdAtMs' | 'credentialVersion'>, mark: RevocationMark | undefined): boolean {
  if (mark === undefined || token.tokenId === mark.exceptTokenId) return false;
  if (token.credentialVersion < mark.credentialVersion) return true;
  return mark.validAfterMs !== undefined && token.createdAtMs <= mark.validAfterMs;
}

/** A verification or reset token as stored. */
export interface OneTimeTokenRecord {
  purpose: 'verify' | 'reset';
  digest: string;
  userId: string;
  email: string;
  /** The credential version it was mailed under: any later change of the password ends it. */
  credentialVersion: number;
  expiresAtMs: number;
}

/** Store-specific writes another store asks to be part of the same transaction (throttle settlement). */
export type ExtraWrites = readonly unknown[];
/** Store-specific keys another store asks to be read in the same request. */
export interface ExtraRead {
  table: string;
  keys: Array<Record<string, string>>;
}

/** How a token write proves the credential is still the one it was issued for. */
export type IssueGuard =
  | {
      by: 'credential';
      email: string;
      version: number;
      rehash?: { from: string; to: string };
      /**
       * A login session takes ring slot `slot` as session number `seq` (on condition that the
       * credential's sessionSeq is still `seq`) and deletes `evict`, the session issued in that slot
       * MAX_SESSIONS logins ago, in the same transaction.
       */
      session?: { seq: number; slot: number; evict?: string };
    }
  /**
   * A personal token: the mark's `issued` counter goes up by one under a bound (the cap), and the
   * token's entry goes into the mark's `personal` map. `issuedBelow`: `issued` must be under it
   * (the map as read was current enough); `issuedIs`: `issued` must still be exactly the value read
   * (null: absent), and `personal` replaces the whole map (a rebuild from a Query). `prune`: expired
   * entries to drop.
   */
  | { by: 'mark'; version: number; issuedBelow: number; prune?: string[] }
  | { by: 'mark'; version: number; issuedIs: number | null; personal: Record<string, number> };

export interface IdentityStore {
  /** The credential item of an email (one strongly consistent read), plus `also` read in the same request. */
  findCredential(email: string, also?: ExtraRead): Promise<{ credential?: Credential; also: Record<string, unknown>[] }>;
  /**
   * One transaction: user item, credential (email lock) and the verification token. When the email
   * is taken, the credential found there comes back from the same request (no second read).
   */
  createUser(user: UserRecord, credential: Credential, verification: OneTimeTokenRecord): Promise<{ outcome: 'created' } | { outcome: 'email_taken'; existing?: Credential }>;
  /**
   * A new signup for an unverified (or expired) pending account: replaces the pending password,
   * moves the version on (older verification and reset tokens die) and stores the new verification
   * token. False if the credential changed meanwhile or was verified.
   */
  replacePending(current: Credential, passwordHash: string, name: string | null, verification: OneTimeTokenRecord, pendingUntilMs: number, nowMs: number): Promise<boolean>;
  /** A fresh verification token for an unverified account, at most one per window (condition on the last mail time). */
  putFreshVerification(current: Credential, verification: OneTimeTokenRecord, nowMs: number, extra: ExtraWrites): Promise<boolean>;
  /** Applies writes of another store on their own (one request); false when one of their conditions failed. */
  applyWrites(extra: ExtraWrites): Promise<boolean>;
  getUser(userId: string): Promise<UserRecord | undefined>;
  putOneTimeToken(token: OneTimeTokenRecord): Promise<void>;
  /** Consumes a verification token and marks the email verified, atomically, if its version is current. */
  consumeVerification(userId: string, digest: string, nowMs: number, verifiedAt: string): Promise<boolean>;
  /** The reset token if it is usable now (no write). */
  peekReset(userId: string, digest: string, nowMs: number): Promise<OneTimeTokenRecord | undefined>;
  /** Consumes a reset token, sets the new hash and moves the version on (every token revoked), atomically. */
  consumeReset(reset: OneTimeTokenRecord, nowMs: number, newHash: string, nowIso: string): Promise<boolean>;
  /** Replaces the hash and moves the version on if both are still as read; the mark spares `exceptTokenId`. */
  changePassword(current: Credential, newHash: string, exceptTokenId: string | undefined, extra?: ExtraWrites, sparesPersonal?: boolean): Promise<boolean>;
  /** Moves the version on (every token of the user revoked) if it is still `version`. */
  bumpVersion(userId: string, email: string, version: number): Promise<boolean>;

  /** Writes the token if the guard holds, with `extra` in the same transaction. False if the guard failed. */
  putToken(token: TokenRecord, guard: IssueGuard, extra?: ExtraWrites): Promise<boolean>;
  /** One strongly consistent read: the token, the user's mark and (optionally) the user item. */
  loadForAuthentication(userId: string, tokenId: string, withUser: boolean): Promise<{ token?: TokenRecord; mark?: RevocationMark; user?: UserRecord }>;
  /** Writes last-used only when the stored value is older than `staleBeforeMs`, never resurrecting a deleted token. */
  touchToken(userId: string, tokenId: string, nowMs: number, nowIso: string, staleBeforeMs: number): Promise<void>;
  /** Deletes a token of this user; with `digest`, only if the digest matches. False if there was none. */
  deleteToken(userId: string, tokenId: string, digest?: string): Promise<boolean>;
  /** One page of the user's tokens, in token-id order, after `afterTokenId`. */
  listTokens(userId: string, limit: number, afterTokenId?: string): Promise<{ tokens: TokenRecord[]; lastTokenId?: string }>;
  deleteTokens(userId: string, tokenIds: string[]): Promise<void>;
}

/** An attempt reserved against the login throttle before any hashing. */
export interface Reservation {
  accountKey: string;
  ip: string;
  /** Which counter stood for the account: its own, or the (account, IP) pair that logged in before. */
  path: 'account' | 'pair';
  /** The counters to read back in the login's read, to settle the attempt. */
  read: ExtraRead;
}

/**
 * Login throttle counters: an attempt is reserved atomically (a conditional write that fails at
 * the limit) before the password is hashed, and settled after: a failure sets the back-off, a
 * success gives the attempt back.
 */
export interface LoginThrottleStore {
  reserve(accountKey: string, ip: string, nowMs: number): Promise<{ reservation: Reservation } | { retryAfterSeconds: number }>;
  /** After a wrong password (or an unknown email): one request. */
  settleFailure(reservation: Reservation, counters: Record<string, unknown>[], nowMs: number): Promise<void>;
  /**
   * After a correct password: writes to make part of the token (or verification) transaction.
   * They set the back-off from the counters read, on condition that no attempt was reserved past
   * the free allowance since: a transaction that failed on them is run again with giveBackWrites.
   */
  successWrites(reservation: Reservation, counters: Record<string, unknown>[], nowMs: number): ExtraWrites;
  /** The attempt given back and nothing else (no back-off set): unconditional. */
  giveBackWrites(reservation: Reservation, nowMs: number): ExtraWrites;
}
