import { ConflictError, ForbiddenError, NotFoundError, UnauthorizedError } from '../platform/errors';
import type { CreateTokenInput, TokenPageQuery } from './schemas';
import { isRevokedByMark, type ExtraWrites, type IdentityStore, type IssueGuard, type RevocationMark, type TokenRecord, type UserRecord } from './model';
import { BEARER_KINDS, TOKEN_ID_PATTERN, digestsEqual, mintToken, newTokenId, parseToken, TOKEN_KINDS, type TokenKind } from './token-format';

export {
  decodeCursor,
  LAST_USED_RESOLUTION_MS,
  MAX_PERSONAL_TOKENS,
  MAX_TOKEN_NAME_LENGTH,
  PERSONAL_TOKEN_DEFAULT_DAYS,
  PERSONAL_TOKEN_MAX_DAYS,
  TOKEN_PAGE_DEFAULT,
  TOKEN_PAGE_MAX,
} from './token-limits';
import { LAST_USED_RESOLUTION_MS, MAX_PERSONAL_TOKENS, PERSONAL_TOKEN_DEFAULT_DAYS, TOKEN_PAGE_DEFAULT, TOKEN_PAGE_MAX } from './token-limits';

/** The kind names the API shows for the token kinds. */
export const KIND_NAMES: Record<string, string> = { [TOKEN_KINDS.session]: 'session', [TOKEN_KINDS.personal]: 'personal' };

/** What `issue` writes: a token of `kind` for `userId`, valid `lifetimeMs`, under `guard`, with `extra` writes in its transaction. */
export interface IssueOptions {
  userId: string;
  kind: TokenKind;
  name: string;
  lifetimeMs: number;
  guard: IssueGuard;
  extra?: ExtraWrites;
  /** Sessions: where the sign-in came from (the sessions list). */
  place?: SignInPlace;
}

export interface TokenServiceDeps {
  store: IdentityStore;
  stage: string;
  now: () => number;
}

export interface Authenticated {
  userId: string;
  tokenId: string;
  kind: string;
  user?: UserRecord;
  /** The user's current credential version (from the revocation mark read with the token). */
  credentialVersion?: number;
  mark?: RevocationMark;
  /** When the token was issued, and (a login session) last confirmed: the recent sign-in rule's input. */
  createdAtMs?: number;
  confirmedAtMs?: number;
}

/** Where a sign-in came from, kept with its session for the sessions list. */
export interface SignInPlace {
  userAgent: string;
  ipAddress: string;
}

/** A User-Agent is the client's to choose: kept bounded. */
export const USER_AGENT_MAX_LENGTH = 256;

export interface IssuedToken {
  id: string;
  token: string;
  name: string;
  expiresAt: string;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * The credentials of a request: exactly one Authorization header, `Bearer <token>`.
 * Undefined when there is no Authorization header at all.
 */
export function bearerFrom(values: string[] | undefined): string | undefined {
  if (values === undefined || values.length === 0) return undefined;
  if (values.length > 1) throw new UnauthorizedError('unauthorized', 'Send exactly one Authorization header.');
  const match = /^Bearer +(\S+) *$/i.exec(values[0]);
  if (!match) throw new UnauthorizedError();
  return match[1];
}

export function tokenService(deps: TokenServiceDeps) {
  const { store, stage, now } = deps;

  /**
   * Validates a presented bearer token with one strongly consistent read. `touch: false` skips
   * the last-used write (at most once a minute anyway) on routes that revoke tokens, so a
   * revocation is two DynamoDB requests: this read and the delete or mark.
   */
  async function authenticateToken(token: string, withUser = false, touch = true): Promise<Authenticated> {
    const parsed = parseToken(stage, token, BEARER_KINDS);
    if (!parsed?.tokenId) throw new UnauthorizedError();
    const loaded = await store.loadForAuthentication(parsed.userId, parsed.tokenId, withUser);
    const found = loaded.token;
    const nowMs = now();
    if (
      !found ||
      !digestsEqual(found.digest, parsed.digest) ||
      found.userId !== parsed.userId ||
      found.kind !== parsed.kind ||
      found.expiresAtMs <= nowMs ||
      isRevokedByMark(found, loaded.mark) ||
      (withUser && !loaded.user)
    ) {
      throw new UnauthorizedError();
    }
    if (touch && (found.lastUsedAtMs === null || found.lastUsedAtMs <= nowMs - LAST_USED_RESOLUTION_MS)) {
      await store.touchToken(found.userId, found.tokenId, nowMs, iso(nowMs), nowMs - LAST_USED_RESOLUTION_MS);
    }
    return { userId: found.userId, tokenId: found.tokenId, kind: KIND_NAMES[found.kind], user: loaded.user, credentialVersion: loaded.mark?.credentialVersion ?? 0, mark: loaded.mark, createdAtMs: found.createdAtMs, confirmedAtMs: found.confirmedAtMs };
  }

  /**
   * Writes a new bearer token stamped with the credential version it is issued under, in one
   * transaction with the guard that proves that version is still current (and `extra` writes).
   * Undefined when the guard failed: the password changed or everything was revoked meanwhile.
   */
  async function issue({ userId, kind, name, lifetimeMs, guard, extra, place }: IssueOptions): Promise<IssuedToken | undefined> {
    const tokenId = newTokenId();
    const { token, parsed } = mintToken(stage, kind, userId, tokenId);
    const createdAtMs = now();
    const expiresAtMs = createdAtMs + lifetimeMs;
    const record: TokenRecord = {
      userId,
      tokenId,
      kind,
      name,
      digest: parsed.digest,
      credentialVersion: guard.version,
      createdAt: iso(createdAtMs),
      createdAtMs,
      lastUsedAt: null,
      lastUsedAtMs: null,
      expiresAt: iso(expiresAtMs),
      expiresAtMs,
      ...(place ? { userAgent: [...place.userAgent].slice(0, USER_AGENT_MAX_LENGTH).join(''), ipAddress: place.ipAddress } : {}),
    };
    if (!(await store.putToken(record, guard, extra))) return undefined;
    return { id: tokenId, token, name, expiresAt: record.expiresAt };
  }

  /** Personal tokens that are neither expired nor revoked (every page of the partition). */
  async function livePersonal(userId: string, mark: RevocationMark | undefined): Promise<TokenRecord[]> {
    const nowMs = now();
    const live: TokenRecord[] = [];
    let after: string | undefined;
    do {
      const page = await store.listTokens(userId, TOKEN_PAGE_MAX, after);
      live.push(...page.tokens.filter((t) => t.kind === TOKEN_KINDS.personal && t.expiresAtMs > nowMs && !isRevokedByMark(t, mark)));
      after = page.lastTokenId;
    } while (after);
    return live;
  }

  return {
    authenticateToken,
    issue,

    async createPersonalToken(auth: Authenticated, input: CreateTokenInput): Promise<IssuedToken> {
      // Only a login session (a password just proved) may mint long-lived tokens: a token cannot
      // beget tokens that outlive it.
      if (auth.kind !== KIND_NAMES[TOKEN_KINDS.session]) {
        throw new ForbiddenError('session_required', 'Access tokens are created from a login session, not with another access token.');
      }
      const days = input.expiresInDays ?? PERSONAL_TOKEN_DEFAULT_DAYS;
      // The mark (read with the caller's token) keeps the user's personal tokens in a map that is a
      // superset of the live ones: under the cap by the map, the token is written with a bound on
      // the mark's `issued` counter (issued so far + room left), in one transaction. Only a map
      // that is absent or full is checked against a Query of the partition (and rebuilt from it,
      // on condition that nobody created a token since). Creations racing at the cap cannot pass
      // it together either way.
      let mark = auth.mark;
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const version = mark?.credentialVersion ?? 0;
        // The caller's own credential moved on since its read: its token is revoked now.
        if (version !== (auth.credentialVersion ?? 0)) throw new UnauthorizedError();
        const nowMs = now();
        const listed = mark?.personal ? Object.entries(mark.personal) : undefined;
        const known = listed?.filter(([, expiresAtMs]) => expiresAtMs > nowMs);
        let guard: IssueGuard;
        if (known && known.length < MAX_PERSONAL_TOKENS) {
          const prune = listed!.filter(([, expiresAtMs]) => expiresAtMs <= nowMs).map(([id]) => id);
          guard = { by: 'mark', version, issuedBelow: (mark?.issued ?? 0) + (MAX_PERSONAL_TOKENS - known.length), prune };
        } else {
          const live = await livePersonal(auth.userId, mark);
          if (live.length >= MAX_PERSONAL_TOKENS) {
            throw new ConflictError('too_many_tokens', `An account holds at most ${MAX_PERSONAL_TOKENS} access tokens. Revoke one first.`);
          }
          guard = { by: 'mark', version, issuedIs: mark?.issued ?? null, personal: Object.fromEntries(live.map((t) => [t.tokenId, t.expiresAtMs])) };
        }
        const issued = await issue({ userId: auth.userId, kind: TOKEN_KINDS.personal, name: input.name, lifetimeMs: days * 86_400_000, guard });
        if (issued) return issued;
        mark = (await store.loadForAuthentication(auth.userId, auth.tokenId, false)).mark;
      }
      throw new ConflictError('conflict', 'Access tokens were being created at the same time. Try again.');
    },

    /**
     * One page of active tokens (not expired, not revoked), in a stable order (by id), with the
     * cursor of the next page when there may be more. Revoked leftovers on the page are cleaned up.
     */
    async list(auth: Authenticated, query: TokenPageQuery = {}) {
      const limit = query.limit ?? TOKEN_PAGE_DEFAULT;
      const after = query.cursor;
      const { tokens, lastTokenId } = await store.listTokens(auth.userId, limit, after);
      const nowMs = now();
      const stale = tokens.filter((t) => t.expiresAtMs <= nowMs || isRevokedByMark(t, auth.mark));
      if (stale.length > 0) await store.deleteTokens(auth.userId, stale.map((t) => t.tokenId));
      const page = tokens
        .filter((t) => !stale.includes(t))
        .map((t) => ({
          id: t.tokenId,
          name: t.name,
          kind: KIND_NAMES[t.kind] ?? t.kind,
          createdAt: t.createdAt,
          lastUsedAt: t.lastUsedAt,
          expiresAt: t.expiresAt,
          current: t.tokenId === auth.tokenId,
          userAgent: t.userAgent ?? null,
          ipAddress: t.ipAddress ?? null,
        }));
      return { tokens: page, nextCursor: lastTokenId ? Buffer.from(lastTokenId, 'utf8').toString('base64url') : null };
    },

    async revoke(auth: Authenticated, tokenId: string): Promise<void> {
      // Keys are per user: another user's token id simply is not found under the caller's key.
      if (!TOKEN_ID_PATTERN.test(tokenId) || !(await store.deleteToken(auth.userId, tokenId))) {
        throw new NotFoundError('not_found', 'No such token.');
      }
    },

    async revokeCurrent(auth: Authenticated): Promise<void> {
      await store.deleteToken(auth.userId, auth.tokenId);
    },

    /**
     * O(1): one transaction moves the credential version on (and the mark with it); every token
     * issued under an older version fails its next read, and a login in flight cannot write one.
     */
    async revokeAll(auth: Authenticated): Promise<void> {
      if (!auth.user) throw new UnauthorizedError();
      if (!(await store.bumpVersion(auth.userId, auth.user.email, auth.credentialVersion ?? 0))) {
        // The version moved meanwhile (a password change or another revoke-all): that already
        // revoked the caller's token; say so rather than report a success that did not happen here.
        throw new ConflictError('conflict', 'The credentials changed meanwhile. Sign in again.');
      }
    },

    /** RFC 7009: revokes the token if it is one of ours and valid; says nothing either way. */
    async revokePresented(token: unknown): Promise<void> {
      const parsed = parseToken(stage, token, BEARER_KINDS);
      if (!parsed?.tokenId) return;
      await store.deleteToken(parsed.userId, parsed.tokenId, parsed.digest);
    },
  };
}

export type TokenService = ReturnType<typeof tokenService>;

