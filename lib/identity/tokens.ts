import { BadRequestError, NotFoundError, UnauthorizedError } from '../platform/errors';
import { isRevokedByMark, type IdentityStore, type TokenRecord, type UserRecord } from './model';
import { BEARER_KINDS, TOKEN_ID_PATTERN, digestsEqual, mintToken, newTokenId, parseToken, TOKEN_KINDS, type TokenKind } from './token-format';

/** last-used is written at most once a minute per token. */
export const LAST_USED_RESOLUTION_MS = 60_000;
export const MAX_TOKEN_NAME_LENGTH = 100;
export const PERSONAL_TOKEN_MAX_DAYS = 365;
export const PERSONAL_TOKEN_DEFAULT_DAYS = 90;

/** The kind names the API shows for the token kinds. */
export const KIND_NAMES: Record<string, string> = { [TOKEN_KINDS.session]: 'session', [TOKEN_KINDS.personal]: 'personal' };

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
}

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
    return { userId: found.userId, tokenId: found.tokenId, kind: KIND_NAMES[found.kind], user: loaded.user };
  }

  async function issue(userId: string, kind: TokenKind, name: string, lifetimeMs: number): Promise<IssuedToken> {
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
      createdAt: iso(createdAtMs),
      createdAtMs,
      lastUsedAt: null,
      lastUsedAtMs: null,
      expiresAt: iso(expiresAtMs),
      expiresAtMs,
    };
    await store.putToken(record);
    return { id: tokenId, token, name, expiresAt: record.expiresAt };
  }

  return {
    authenticateToken,
    issue,

    async createPersonalToken(auth: Authenticated, body: Record<string, unknown>): Promise<IssuedToken> {
      const name = body.name;
      if (typeof name !== 'string') throw new BadRequestError('invalid_request', 'name must be a string.');
      const trimmed = name.trim();
      if (trimmed.length === 0 || trimmed.length > MAX_TOKEN_NAME_LENGTH || /[\u0000-\u001f\u007f]/.test(trimmed)) {
        throw new BadRequestError('invalid_request', `name must be 1 to ${MAX_TOKEN_NAME_LENGTH} printable characters.`);
      }
      let days = PERSONAL_TOKEN_DEFAULT_DAYS;
      if (body.expiresInDays !== undefined && body.expiresInDays !== null) {
        const value = body.expiresInDays;
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > PERSONAL_TOKEN_MAX_DAYS) {
          throw new BadRequestError('invalid_request', `expiresInDays must be a whole number from 1 to ${PERSONAL_TOKEN_MAX_DAYS}.`);
        }
        days = value;
      }
      return issue(auth.userId, TOKEN_KINDS.personal, trimmed, days * 86_400_000);
    },

    /** Active tokens only (not expired, not revoked); revoked leftovers are cleaned up on the way. */
    async list(auth: Authenticated) {
      const { tokens, mark } = await store.listTokens(auth.userId);
      const nowMs = now();
      const stale = tokens.filter((t) => t.expiresAtMs <= nowMs || isRevokedByMark(t, mark));
      if (stale.length > 0) await store.deleteTokens(auth.userId, stale.map((t) => t.tokenId));
      return tokens
        .filter((t) => !stale.includes(t))
        .sort((a, b) => b.createdAtMs - a.createdAtMs)
        .map((t) => ({
          id: t.tokenId,
          name: t.name,
          kind: KIND_NAMES[t.kind] ?? t.kind,
          createdAt: t.createdAt,
          lastUsedAt: t.lastUsedAt,
          expiresAt: t.expiresAt,
          current: t.tokenId === auth.tokenId,
        }));
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

    /** O(1): one write of the user's "valid after" mark; every older token fails its next read. */
    async revokeAll(userId: string, exceptTokenId?: string): Promise<void> {
      await store.setRevocationMark(userId, { validAfterMs: now(), exceptTokenId });
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
