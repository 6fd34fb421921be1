import type { DeleteCommandInput, UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { lockKey, markKey, tokenKey, ttlAfter, versionIs, type IdentityTables, type Transaction, type TransactItem } from './identity-items';
import type { ExtraWrites, IssueGuard, TokenRecord } from './model';

/**
 * The writes of bearer tokens and the revocation mark, built as plain DynamoDB inputs (pure: no
 * client, no clock; test/unit/identity/token-writes.test.ts asserts the exact items and
 * conditions): a token under the guard that proves its credential is still as read, the mark a
 * version change rewrites, last-used and deletion.
 */
export function tokenWrites(tables: IdentityTables) {
  /**
   * A login session's credential write: the version check, the ring's next position and this
   * session's token id in its slot (and a stronger hash of the same password, when due), on
   * condition that nobody took the position meanwhile. Concurrent logins of one user are so put in
   * a line: they cannot evict the same slot's session together and leave one more alive.
   */
  function sessionRingUpdate(token: TokenRecord, guard: Extract<IssueGuard, { by: 'credential' }>, session: { seq: number; slot: number }) {
    const sets = ['sessionSeq = :seqNext', session.seq === 0 ? 'sessionIds = :ring' : 'sessionIds.#slot = :tid'];
    const values: Record<string, unknown> = { ':cv': guard.version, ':u': token.userId, ':seqNext': session.seq + 1 };
    if (session.seq === 0) values[':ring'] = { [String(session.slot)]: token.tokenId };
    else values[':tid'] = token.tokenId;
    let condition = `${versionIs(guard.version)} AND userId = :u AND ${session.seq === 0 ? 'attribute_not_exists(sessionSeq)' : 'sessionSeq = :seq'}`;
    if (session.seq !== 0) values[':seq'] = session.seq;
    if (guard.rehash) {
      sets.push('passwordHash = :h');
      condition += ' AND passwordHash = :old';
      values[':h'] = guard.rehash.to;
      values[':old'] = guard.rehash.from;
    }
    return {
      Update: {
        TableName: tables.accounts,
        Key: lockKey(guard.email),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: condition,
        ExpressionAttributeNames: session.seq === 0 ? undefined : { '#slot': String(session.slot) },
        ExpressionAttributeValues: values,
      },
    };
  }

  /**
   * The mark rewritten with a new version: every token issued under an older one is revoked, so
   * the personal-token map starts empty, except when the spared caller is a personal token (its
   * entry is not known here): then the map is left absent and the next creation rebuilds it.
   */
  const markPut = (userId: string, version: number, exceptTokenId?: string, sparesPersonal = false) => ({
    Put: { TableName: tables.tokens, Item: { ...markKey(userId), credentialVersion: version, exceptTokenId, ...(sparesPersonal ? {} : { personal: {} }) } },
  });

  /**
   * A personal token's write on the mark: `ADD issued 1` under the cap's bound, and the token's
   * entry in the `personal` map (set alone, or the whole map replaced by a rebuild), expired
   * entries pruned. Creations racing for the last places cannot pass the cap together.
   */
  function markGuard(token: TokenRecord, guard: Extract<IssueGuard, { by: 'mark' }>) {
    const values: Record<string, unknown> = { ':cv': guard.version, ':one': 1 };
    const names: Record<string, string> = {};
    let update: string;
    let condition: string;
    if ('personal' in guard) {
      // A rebuild from a Query: only if no personal token was created since the Query began.
      values[':map'] = { ...guard.personal, [token.tokenId]: token.expiresAtMs };
      update = 'ADD issued :one SET personal = :map';
      if (guard.issuedIs === null) condition = 'attribute_not_exists(issued)';
      else {
        condition = 'issued = :was';
        values[':was'] = guard.issuedIs;
      }
    } else {
      names['#new'] = token.tokenId;
      values[':exp'] = token.expiresAtMs;
      values[':below'] = guard.issuedBelow;
      update = 'ADD issued :one SET personal.#new = :exp';
      const prune = (guard.prune ?? []).filter((id) => id !== token.tokenId);
      prune.forEach((id, i) => (names[`#p${i}`] = id));
      if (prune.length > 0) update += ` REMOVE ${prune.map((_, i) => `personal.#p${i}`).join(', ')}`;
      condition = 'attribute_exists(personal) AND (attribute_not_exists(issued) OR issued < :below)';
    }
    return {
      Update: {
        TableName: tables.tokens,
        Key: markKey(token.userId),
        UpdateExpression: update,
        ConditionExpression: `${versionIs(guard.version)} AND ${condition}`,
        ExpressionAttributeNames: Object.keys(names).length > 0 ? names : undefined,
        ExpressionAttributeValues: values,
      },
    };
  }

  /** A token's write under its guard: the guard item that proves the credential is still as read. */
  function issueGuardItem(token: TokenRecord, guard: IssueGuard): TransactItem {
    if (guard.by === 'mark') return markGuard(token, guard);
    if (guard.session) return sessionRingUpdate(token, guard, guard.session);
    if (guard.rehash) {
      return {
        // A stronger hash of the same password: the version does not move.
        Update: {
          TableName: tables.accounts,
          Key: lockKey(guard.email),
          UpdateExpression: 'SET passwordHash = :h',
          ConditionExpression: `${versionIs(guard.version)} AND passwordHash = :old AND userId = :u`,
          ExpressionAttributeValues: { ':h': guard.rehash.to, ':old': guard.rehash.from, ':cv': guard.version, ':u': token.userId },
        },
      };
    }
    return {
      ConditionCheck: {
        TableName: tables.accounts,
        Key: lockKey(guard.email),
        ConditionExpression: `${versionIs(guard.version)} AND userId = :u`,
        ExpressionAttributeValues: { ':cv': guard.version, ':u': token.userId },
      },
    };
  }

  return {
    markPut,

    /** The token under its guard, the session it evicts from the ring, and `extra`. */
    putToken(token: TokenRecord, guard: IssueGuard, extra: ExtraWrites = []): Transaction {
      // last-used is absent until the first use, so touchToken's condition can test for it.
      const { lastUsedAt: _at, lastUsedAtMs: _ms, ...fields } = token;
      // The session issued in this ring slot MAX_SESSIONS logins ago goes in the same transaction.
      // Stryker disable next-line ConditionalExpression: a mark guard has no session (the check narrows the type)
      const evict = guard.by === 'credential' && guard.session?.evict && guard.session.evict !== token.tokenId ? guard.session.evict : undefined;
      return {
        TransactItems: [
          {
            Put: {
              TableName: tables.tokens,
              Item: { ...tokenKey(token.userId, token.tokenId), ...fields, ttl: ttlAfter(token.expiresAtMs) },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          issueGuardItem(token, guard),
          ...(evict ? [{ Delete: { TableName: tables.tokens, Key: tokenKey(token.userId, evict) } }] : []),
          ...(extra as TransactItem[]),
        ],
      };
    },

    touchToken(userId: string, tokenId: string, nowMs: number, nowIso: string, staleBeforeMs: number): UpdateCommandInput {
      return {
        TableName: tables.tokens,
        Key: tokenKey(userId, tokenId),
        UpdateExpression: 'SET lastUsedAt = :iso, lastUsedAtMs = :now',
        // attribute_exists: a token deleted meanwhile must not come back as a stub.
        ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(lastUsedAtMs) OR lastUsedAtMs <= :stale)',
        ExpressionAttributeValues: { ':iso': nowIso, ':now': nowMs, ':stale': staleBeforeMs },
      };
    },

    deleteToken(userId: string, tokenId: string, digest?: string): DeleteCommandInput {
      return {
        TableName: tables.tokens,
        Key: tokenKey(userId, tokenId),
        ConditionExpression: digest ? 'attribute_exists(pk) AND digest = :d' : 'attribute_exists(pk)',
        ExpressionAttributeValues: digest ? { ':d': digest } : undefined,
      };
    },
  };
}
