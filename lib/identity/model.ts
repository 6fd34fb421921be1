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
  /**
   * Pending only: the signups of this address not verified yet, signup id → when it was made (at
   * most MAX_PENDING_SIGNUPS, the oldest dropped). A verification token names its signup; it works
   * only while that signup is here, and verifying one removes them all.
   */
  pendingSignups?: Record<string, number>;
  /** Pending only: the signup whose password `passwordHash` is (the newest; a login's fresh link is for it). */
  signupId?: string;
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

/**
 * The signup a verification token was mailed for: its password (hash) and name. Verifying needs
 * that password; the credential then takes this hash, so only the password chosen at the signup
 * that mailed the token can become the account's.
 */
export interface PendingSignup {
  id: string;
  passwordHash: string;
  /** The signup's display name; undefined (a fresh link of a login) leaves the user item's. */
  name?: string | null;
}

/** A verification or reset token as stored. */
export interface OneTimeTokenRecord {
  purpose: 'verify' | 'reset';
  /** Verification tokens: the signup it was mailed for (absent on links mailed before signups were bound: they no longer verify). */
  signup?: PendingSignup;
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
   * One more signup of a live pending account: its signup joins `pendingSignups` (the ones in
   * `drop`, the oldest, leave), its hash becomes the credential's `passwordHash` (the one a login's
   * fresh link is for), and its verification token is stored. Earlier signups keep their own
   * password and link. False if the account was verified or changed meanwhile.
   */
  addPendingSignup(current: Credential, verification: OneTimeTokenRecord & { signup: PendingSignup }, drop: string[], pendingUntilMs: number, nowMs: number): Promise<boolean>;
  /**
   * A signup of an expired pending account: it starts over (this signup alone, the version moved
   * on so every older link dies). False if the credential changed meanwhile.
   */
  restartPending(current: Credential, verification: OneTimeTokenRecord & { signup: PendingSignup }, pendingUntilMs: number, nowMs: number): Promise<boolean>;
  /**
   * A fresh verification token for an unverified account, for the signup whose hash the credential
   * holds, at most one per window (condition on the last mail time and on that signup).
   */
  putFreshVerification(current: Credential, verification: OneTimeTokenRecord & { signup: PendingSignup }, nowMs: number, extra: ExtraWrites): Promise<boolean>;
  /** Applies writes of another store on their own (one request); false when one of their conditions failed. */
  applyWrites(extra: ExtraWrites): Promise<boolean>;
  getUser(userId: string): Promise<UserRecord | undefined>;
  putOneTimeToken(token: OneTimeTokenRecord): Promise<void>;
  /**
   * The same request as `putOneTimeToken` (one conditional PutItem of a one-time token's item)
   * that stores nothing: its condition cannot hold. The unregistered path of a reset request makes
   * it, so both paths do the same work (issue 21 §3).
   */
  putNothing(purpose: OneTimeTokenRecord['purpose'], digest: string): Promise<void>;
  /**
   * The address's one unlock code (its digest), replacing an earlier one; with `userId` undefined
   * (an unregistered address) the same write under a condition that cannot hold, storing nothing.
   */
  putUnlockCode(email: string, digest: string, expiresAtMs: number, userId: string | undefined): Promise<void>;
  /** Deletes the address's unlock code if it has this digest and is unexpired: true once, for one attempt. */
  consumeUnlockCode(email: string, digest: string, nowMs: number): Promise<boolean>;
  /** The verification token if it is usable now (no write). */
  peekVerification(userId: string, digest: string, nowMs: number): Promise<OneTimeTokenRecord | undefined>;
  /**
   * Consumes a verification token and verifies the address with its signup's password, atomically,
   * if that signup is still pending: the version moves on and every other pending signup ends.
   */
  consumeVerification(verification: OneTimeTokenRecord & { signup: PendingSignup }, nowMs: number, verifiedAt: string, extra?: ExtraWrites): Promise<boolean>;
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
