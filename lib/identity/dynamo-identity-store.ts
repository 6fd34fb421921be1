import { DeleteCommand, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type BatchGetCommandInput } from '@aws-sdk/lib-dynamodb';
import { batchGetAll, batchWriteAll, documentClient } from '../platform/aws/dynamodb';
import { awsErrorName } from '../platform/aws/errors';
import { ServiceUnavailableError } from '../platform/errors';
import { retry, TryAgainError, type RetryPolicy } from '../platform/retry';
import { lockKey, markKey, oneTimeKey, plainItem, toCredential, toMark, toOneTime, toToken, toUser, tokenKey, userKey, type IdentityTables, type ItemKey, type Transaction } from './identity-items';
import { CREATE_USER_ITEMS, identityWrites } from './identity-writes';
import type { ExtraWrites, IdentityStore, IssueGuard, OneTimeTokenRecord } from './model';
import { cancellationReasons, classifyWriteFailure, conditionalWrite, reasonsByName } from './write-failures';

/**
 * The identity data in DynamoDB: a thin adapter. The items' layout and the records read from them
 * are lib/identity/identity-items.ts; every write is built by lib/identity/identity-writes.ts
 * (pure, unit-tested item by item); this file sends them and says what a refusal means.
 */

/**
 * Transactions cancelled by another transaction on the same item (TransactionConflict, real
 * DynamoDB; moto never answers it) run again: up to 5 runs, each wait at least 10 ms plus a random
 * part of up to 40, 80, 160 ms (the hand-written loops' timing: retrying at once against an item
 * whose transaction is still in flight only conflicts again). What kept 50 signups of one address
 * from running out of attempts was not this timing but reading the lock after a conflict (see
 * createUser): test/integration/reliability/races.test.ts plays DynamoDB's conflicts.
 */
export const CONFLICT_RETRY: RetryPolicy = { attempts: 5, minDelayMs: 10, baseDelayMs: 40, maxDelayMs: 160 };

export function dynamoIdentityStore(tables: IdentityTables): IdentityStore {
  const writes = identityWrites(tables);
  const find = (items: Record<string, unknown>[] | undefined, key: ItemKey) => items?.find((i) => i.pk === key.pk && i.sk === key.sk);

  /**
   * One transaction; false when a condition failed. Write conflicts (TransactionConflict, real
   * DynamoDB) are retried; still cancelled by conflicts after every run, the write did not happen
   * and the answer is false, as for a failed condition (another transaction on these items won).
   */
  async function transact(input: Transaction): Promise<boolean> {
    try {
      return await retry(async () => {
        try {
          await documentClient.send(new TransactWriteCommand(input));
          return true;
        } catch (error) {
          const kind = classifyWriteFailure(error);
          if (kind === 'conflict') throw new TryAgainError(error);
          if (kind === 'condition') return false;
          // A throttled transaction did not run: not "changed meanwhile" but a 503 (issue 21 §5).
          if (kind === 'throttled') throw new ServiceUnavailableError(undefined, { cause: error });
          throw error;
        }
      }, { ...CONFLICT_RETRY, attempts: 4 });
    } catch (error) {
      // Still cancelled by conflicts after every run: another transaction on these items won.
      if (classifyWriteFailure(error) === 'conflict') return false;
      throw error;
    }
  }

  /** A verification or reset token if it is this user's and usable now (no write). */
  async function peekOneTime(purpose: OneTimeTokenRecord['purpose'], userId: string, digest: string, nowMs: number): Promise<OneTimeTokenRecord | undefined> {
    const got = await documentClient.send(new GetCommand({ TableName: tables.accounts, Key: oneTimeKey(purpose, digest), ConsistentRead: true }));
    const token = toOneTime(purpose, digest, got.Item);
    if (!token || token.userId !== userId || token.expiresAtMs <= nowMs) return undefined;
    return token;
  }

  return {
    async findCredential(email, also) {
      if (!also) {
        const res = await documentClient.send(new GetCommand({ TableName: tables.accounts, Key: lockKey(email), ConsistentRead: true }));
        return { credential: toCredential(res.Item), also: [] };
      }
      const got = await batchGetAll({
        [tables.accounts]: { Keys: [lockKey(email)], ConsistentRead: true },
        [also.table]: { Keys: also.keys, ConsistentRead: true },
      });
      return { credential: toCredential(find(got[tables.accounts], lockKey(email))), also: got[also.table] ?? [] };
    },

    async createUser(user, credential, verification) {
      const input = writes.createUser(user, credential, verification);
      // Concurrent transactions on one lock can be cancelled with TransactionConflict rather than a
      // failed condition: try again, and the loser then sees the lock taken.
      return retry(
        async () => {
          try {
            await documentClient.send(new TransactWriteCommand(input));
            return { outcome: 'created' as const };
          } catch (error) {
            if (awsErrorName(error) !== 'TransactionCanceledException') throw error;
            if (classifyWriteFailure(error) === 'throttled') throw new ServiceUnavailableError(undefined, { cause: error });
            const reasons = reasonsByName(error, CREATE_USER_ITEMS);
            if (reasons.lock?.code === 'ConditionalCheckFailed') {
              return { outcome: 'email_taken' as const, existing: toCredential(plainItem(reasons.lock.item)) };
            }
            const codes = cancellationReasons(error).map((r) => r.code);
            if (codes.every((c) => c === 'None' || c === 'TransactionConflict')) {
              // Cancelled by another transaction on these items (almost always another signup of
              // this address), or no reasons given (some emulators): decide by reading the lock.
              // Once the other signup has committed, the lock is there and this one is done; only
              // while it is still in flight does the transaction run again.
              const lock = await documentClient.send(new GetCommand({ TableName: tables.accounts, Key: lockKey(user.email), ConsistentRead: true }));
              if (lock.Item) return { outcome: 'email_taken' as const, existing: toCredential(lock.Item) };
              throw new TryAgainError(error);
            }
            throw error;
          }
        },
        { ...CONFLICT_RETRY, exhausted: (last) => new ServiceUnavailableError(undefined, { cause: last }) },
      );
    },

    addPendingSignup: (current, verification, drop, pendingUntilMs, nowMs) => transact(writes.addPendingSignup(current, verification, drop, pendingUntilMs, nowMs)),
    restartPending: (current, verification, pendingUntilMs, nowMs) => transact(writes.restartPending(current, verification, pendingUntilMs, nowMs)),
    putFreshVerification: (current, verification, nowMs, extra) => transact(writes.putFreshVerification(current, verification, nowMs, extra)),
    consumeVerification: (token, nowMs, verifiedAt, extra) => transact(writes.consumeVerification(token, nowMs, verifiedAt, extra)),
    consumeReset: (reset, nowMs, newHash, nowIso) => transact(writes.consumeReset(reset, nowMs, newHash, nowIso)),
    changePassword: (current, newHash, exceptTokenId, extra, sparesPersonal) => transact(writes.changePassword(current, newHash, exceptTokenId, extra, sparesPersonal)),
    bumpVersion: (userId, email, version) => transact(writes.bumpVersion(userId, email, version)),
    putToken: (token, guard, extra) => transact(writes.putToken(token, guard, extra)),

    async applyWrites(extra) {
      if (extra.length === 0) return true;
      return transact(writes.applyWrites(extra));
    },

    async getUser(userId) {
      const res = await documentClient.send(new GetCommand({ TableName: tables.accounts, Key: userKey(userId), ConsistentRead: true }));
      return toUser(res.Item);
    },

    async putOneTimeToken(token) {
      await documentClient.send(new PutCommand(writes.putOneTimeToken(token)));
    },

    async putUnlockCode(email, digest, expiresAtMs, userId) {
      await conditionalWrite(() => documentClient.send(new PutCommand(writes.putUnlockCode(email, digest, expiresAtMs, userId))));
    },

    consumeUnlockCode: (email, digest, nowMs) => conditionalWrite(() => documentClient.send(new DeleteCommand(writes.consumeUnlockCode(email, digest, nowMs)))),

    async putNothing(purpose, digest) {
      await conditionalWrite(() => documentClient.send(new PutCommand(writes.putNothing(purpose, digest))));
    },

    peekVerification: (userId, digest, nowMs) => peekOneTime('verify', userId, digest, nowMs),
    peekReset: (userId, digest, nowMs) => peekOneTime('reset', userId, digest, nowMs),

    async loadForAuthentication(userId, tokenId, withUser) {
      const request: NonNullable<BatchGetCommandInput['RequestItems']> = {
        [tables.tokens]: { Keys: [tokenKey(userId, tokenId), markKey(userId)], ConsistentRead: true },
      };
      if (withUser) request[tables.accounts] = { Keys: [userKey(userId)], ConsistentRead: true };
      const got = await batchGetAll(request);
      const tokenItem = find(got[tables.tokens], tokenKey(userId, tokenId));
      return {
        token: tokenItem ? toToken(tokenItem) : undefined,
        mark: toMark(find(got[tables.tokens], markKey(userId))),
        user: withUser ? toUser(find(got[tables.accounts], userKey(userId))) : undefined,
      };
    },

    async touchToken(userId, tokenId, nowMs, nowIso, staleBeforeMs) {
      await conditionalWrite(() => documentClient.send(new UpdateCommand(writes.touchToken(userId, tokenId, nowMs, nowIso, staleBeforeMs))));
    },

    deleteToken: (userId, tokenId, digest) => conditionalWrite(() => documentClient.send(new DeleteCommand(writes.deleteToken(userId, tokenId, digest)))),

    async listTokens(userId, limit, afterTokenId) {
      const res = await documentClient.send(
        new QueryCommand({
          TableName: tables.tokens,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :tok)',
          ExpressionAttributeValues: { ':pk': `USER#${userId}`, ':tok': 'TOKEN#' },
          ConsistentRead: true,
          Limit: limit,
          ExclusiveStartKey: afterTokenId ? tokenKey(userId, afterTokenId) : undefined,
        }),
      );
      const tokens = (res.Items ?? []).map(toToken);
      const last = res.LastEvaluatedKey ? String(res.LastEvaluatedKey.sk).slice('TOKEN#'.length) : undefined;
      return { tokens, lastTokenId: last };
    },

    async deleteTokens(userId, tokenIds) {
      await batchWriteAll(tables.tokens, tokenIds.map((id) => ({ DeleteRequest: { Key: tokenKey(userId, id) } })));
    },
  };
}

export type { ExtraWrites, IssueGuard };
