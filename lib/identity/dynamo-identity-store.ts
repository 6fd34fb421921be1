import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type BatchGetCommandInput,
  type BatchGetCommandOutput,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../platform/aws/dynamodb';
import { awsErrorName } from '../platform/aws/errors';
import { ServiceUnavailableError } from '../platform/errors';
import type { IdentityStore, OneTimeTokenRecord, RevocationMark, TokenRecord, UserRecord } from './model';

/**
 * The identity data in DynamoDB.
 *
 * accounts table
 *   USER#<userId>  / PROFILE   the user item (shape shared with billing and ops)
 *   EMAIL#<email>  / LOCK      { userId }: makes the normalised email unique
 *   VERIFY#<sha256> / VERIFY   { userId, expiresAtMs, ttl }: an email verification token's digest
 *   RESET#<sha256>  / RESET    { userId, expiresAtMs, ttl }: a password reset token's digest
 * tokens table
 *   USER#<userId>  / TOKEN#<tokenId>  a bearer token (digest, kind, name, times, ttl)
 *   USER#<userId>  / REVOCATION       { validAfterMs, exceptTokenId }: the revoke-all mark
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
/** The mark must outlive every token it revokes: tokens live at most 365 days. */
const MARK_TTL_SECONDS = 366 * DAY_SECONDS;

const userKey = (userId: string) => ({ pk: `USER#${userId}`, sk: 'PROFILE' });
const lockKey = (email: string) => ({ pk: `EMAIL#${email}`, sk: 'LOCK' });
const oneTimeKey = (purpose: OneTimeTokenRecord['purpose'], digest: string) =>
  purpose === 'verify' ? { pk: `VERIFY#${digest}`, sk: 'VERIFY' } : { pk: `RESET#${digest}`, sk: 'RESET' };
const tokenKey = (userId: string, tokenId: string) => ({ pk: `USER#${userId}`, sk: `TOKEN#${tokenId}` });
const markKey = (userId: string) => ({ pk: `USER#${userId}`, sk: 'REVOCATION' });

function isConditionFailure(error: unknown): boolean {
  const name = awsErrorName(error);
  return name === 'ConditionalCheckFailedException' || name === 'TransactionCanceledException';
}

function cancellationCodes(error: unknown): string[] {
  const reasons = (error as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? [];
  return reasons.map((r) => r.Code ?? 'None');
}

function toUser(item: Record<string, unknown> | undefined): UserRecord | undefined {
  if (!item) return undefined;
  return {
    userId: String(item.userId),
    email: String(item.email),
    name: (item.name as string | null | undefined) ?? null,
    passwordHash: String(item.passwordHash),
    emailVerified: item.emailVerified === true,
    createdAt: String(item.createdAt),
    verifiedAt: item.verifiedAt as string | undefined,
    billing: item.billing as UserRecord['billing'],
  };
}

function toToken(item: Record<string, unknown>): TokenRecord {
  return {
    userId: String(item.userId),
    tokenId: String(item.tokenId),
    kind: item.kind as TokenRecord['kind'],
    name: String(item.name),
    digest: String(item.digest),
    createdAt: String(item.createdAt),
    createdAtMs: Number(item.createdAtMs),
    lastUsedAt: (item.lastUsedAt as string | null | undefined) ?? null,
    lastUsedAtMs: item.lastUsedAtMs === undefined || item.lastUsedAtMs === null ? null : Number(item.lastUsedAtMs),
    expiresAt: String(item.expiresAt),
    expiresAtMs: Number(item.expiresAtMs),
  };
}

function toMark(item: Record<string, unknown> | undefined): RevocationMark | undefined {
  if (!item) return undefined;
  return { validAfterMs: Number(item.validAfterMs), exceptTokenId: item.exceptTokenId as string | undefined };
}

/** BatchGetItem until every key is answered (DynamoDB may leave some unprocessed under load). */
export async function batchGetAll(requestItems: NonNullable<BatchGetCommandInput['RequestItems']>): Promise<Record<string, Record<string, unknown>[]>> {
  const out: Record<string, Record<string, unknown>[]> = {};
  let pending: BatchGetCommandInput['RequestItems'] | undefined = requestItems;
  for (let attempt = 0; pending && Object.keys(pending).length > 0; attempt += 1) {
    if (attempt > 0) {
      if (attempt > 4) throw new ServiceUnavailableError();
      await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
    }
    const res: BatchGetCommandOutput = await documentClient.send(new BatchGetCommand({ RequestItems: pending }));
    for (const [table, items] of Object.entries(res.Responses ?? {})) (out[table] ??= []).push(...(items as Record<string, unknown>[]));
    pending = res.UnprocessedKeys;
  }
  return out;
}

export function dynamoIdentityStore(tables: IdentityTables): IdentityStore {
  const find = (items: Record<string, unknown>[] | undefined, key: { pk: string; sk: string }) =>
    items?.find((i) => i.pk === key.pk && i.sk === key.sk);

  async function transact(input: TransactWriteCommandInput): Promise<boolean> {
    try {
      await documentClient.send(new TransactWriteCommand(input));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  return {
    async createUser(user, verification) {
      const input: TransactWriteCommandInput = {
        TransactItems: [
          { Put: { TableName: tables.accounts, Item: { ...userKey(user.userId), ...user }, ConditionExpression: 'attribute_not_exists(pk)' } },
          // The lock is what makes 50 concurrent signups of one address create one account.
          { Put: { TableName: tables.accounts, Item: { ...lockKey(user.email), userId: user.userId }, ConditionExpression: 'attribute_not_exists(pk)' } },
          {
            Put: {
              TableName: tables.accounts,
              Item: { ...oneTimeKey('verify', verification.digest), userId: verification.userId, expiresAtMs: verification.expiresAtMs, ttl: Math.ceil(verification.expiresAtMs / 1000) + DAY_SECONDS },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
      };
      // Concurrent transactions on one lock can be cancelled with TransactionConflict rather than a
      // failed condition: try again, and the loser then sees the lock taken.
      for (let attempt = 0; ; attempt += 1) {
        try {
          await documentClient.send(new TransactWriteCommand(input));
          return 'created';
        } catch (error) {
          if (awsErrorName(error) !== 'TransactionCanceledException') throw error;
          const codes = cancellationCodes(error);
          if (codes[1] === 'ConditionalCheckFailed') return 'email_taken';
          if (codes.length === 0) {
            // No reasons given (some emulators): decide by reading the lock.
            const lock = await documentClient.send(new GetCommand({ TableName: tables.accounts, Key: lockKey(user.email), ConsistentRead: true }));
            if (lock.Item) return 'email_taken';
          }
          if (attempt >= 4) throw new ServiceUnavailableError(undefined, { cause: error });
          if (codes.every((c) => c === 'None' || c === 'TransactionConflict')) {
            await new Promise((r) => setTimeout(r, 10 + Math.random() * 40 * (attempt + 1)));
            continue;
          }
          throw error;
        }
      }
    },

    async findUserIdByEmail(email) {
      const res = await documentClient.send(new GetCommand({ TableName: tables.accounts, Key: lockKey(email), ConsistentRead: true }));
      return res.Item?.userId as string | undefined;
    },

    async getUser(userId) {
      const res = await documentClient.send(new GetCommand({ TableName: tables.accounts, Key: userKey(userId), ConsistentRead: true }));
      return toUser(res.Item);
    },

    async putOneTimeToken(token) {
      await documentClient.send(
        new PutCommand({
          TableName: tables.accounts,
          Item: { ...oneTimeKey(token.purpose, token.digest), userId: token.userId, expiresAtMs: token.expiresAtMs, ttl: Math.ceil(token.expiresAtMs / 1000) + DAY_SECONDS },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },

    consumeVerification(userId, digest, nowMs, verifiedAt) {
      return transact({
        TransactItems: [
          {
            // Deleting the digest is what makes the token single-use: a second use finds nothing.
            Delete: {
              TableName: tables.accounts,
              Key: oneTimeKey('verify', digest),
              ConditionExpression: 'attribute_exists(pk) AND userId = :u AND expiresAtMs > :now',
              ExpressionAttributeValues: { ':u': userId, ':now': nowMs },
            },
          },
          {
            Update: {
              TableName: tables.accounts,
              Key: userKey(userId),
              UpdateExpression: 'SET emailVerified = :t, verifiedAt = if_not_exists(verifiedAt, :at)',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeValues: { ':t': true, ':at': verifiedAt },
            },
          },
        ],
      });
    },

    async peekReset(userId, digest, nowMs) {
      const resetKey = oneTimeKey('reset', digest);
      const got = await batchGetAll({ [tables.accounts]: { Keys: [resetKey, userKey(userId)], ConsistentRead: true } });
      const reset = find(got[tables.accounts], resetKey);
      if (!reset || reset.userId !== userId || Number(reset.expiresAtMs) <= nowMs) return undefined;
      return toUser(find(got[tables.accounts], userKey(userId)));
    },

    consumeReset(userId, digest, nowMs, newHash, nowIso) {
      return transact({
        TransactItems: [
          {
            Delete: {
              TableName: tables.accounts,
              Key: oneTimeKey('reset', digest),
              ConditionExpression: 'attribute_exists(pk) AND userId = :u AND expiresAtMs > :now',
              ExpressionAttributeValues: { ':u': userId, ':now': nowMs },
            },
          },
          {
            // Following a mailed link proves the address, so a reset also verifies it.
            Update: {
              TableName: tables.accounts,
              Key: userKey(userId),
              UpdateExpression: 'SET passwordHash = :h, emailVerified = :t, verifiedAt = if_not_exists(verifiedAt, :at)',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeValues: { ':h': newHash, ':t': true, ':at': nowIso },
            },
          },
          { Put: { TableName: tables.tokens, Item: { ...markKey(userId), validAfterMs: nowMs, ttl: Math.ceil(nowMs / 1000) + MARK_TTL_SECONDS } } },
        ],
      });
    },

    async replacePasswordHash(userId, expected, newHash, revoke) {
      const update = {
        TableName: tables.accounts,
        Key: userKey(userId),
        UpdateExpression: 'SET passwordHash = :h',
        ConditionExpression: 'passwordHash = :old',
        ExpressionAttributeValues: { ':h': newHash, ':old': expected },
      };
      if (!revoke) {
        try {
          await documentClient.send(new UpdateCommand(update));
          return true;
        } catch (error) {
          if (isConditionFailure(error)) return false;
          throw error;
        }
      }
      return transact({
        TransactItems: [
          { Update: update },
          {
            Put: {
              TableName: tables.tokens,
              Item: { ...markKey(userId), validAfterMs: revoke.validAfterMs, exceptTokenId: revoke.exceptTokenId, ttl: Math.ceil(revoke.validAfterMs / 1000) + MARK_TTL_SECONDS },
            },
          },
        ],
      });
    },

    async putToken(token) {
      // last-used is absent until the first use, so touchToken's condition can test for it.
      const { lastUsedAt: _at, lastUsedAtMs: _ms, ...fields } = token;
      await documentClient.send(
        new PutCommand({
          TableName: tables.tokens,
          Item: { ...tokenKey(token.userId, token.tokenId), ...fields, ttl: Math.ceil(token.expiresAtMs / 1000) + DAY_SECONDS },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },

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
      try {
        await documentClient.send(
          new UpdateCommand({
            TableName: tables.tokens,
            Key: tokenKey(userId, tokenId),
            UpdateExpression: 'SET lastUsedAt = :iso, lastUsedAtMs = :now',
            // attribute_exists: a token deleted meanwhile must not come back as a stub.
            ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(lastUsedAtMs) OR lastUsedAtMs <= :stale)',
            ExpressionAttributeValues: { ':iso': nowIso, ':now': nowMs, ':stale': staleBeforeMs },
          }),
        );
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    },

    async deleteToken(userId, tokenId, digest) {
      try {
        await documentClient.send(
          new DeleteCommand({
            TableName: tables.tokens,
            Key: tokenKey(userId, tokenId),
            ConditionExpression: digest ? 'attribute_exists(pk) AND digest = :d' : 'attribute_exists(pk)',
            ExpressionAttributeValues: digest ? { ':d': digest } : undefined,
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },

    async listTokens(userId) {
      const tokens: TokenRecord[] = [];
      let mark: RevocationMark | undefined;
      let startKey: Record<string, unknown> | undefined;
      do {
        const res = await documentClient.send(
          new QueryCommand({
            TableName: tables.tokens,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': `USER#${userId}` },
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of res.Items ?? []) {
          if (item.sk === 'REVOCATION') mark = toMark(item);
          else if (String(item.sk).startsWith('TOKEN#')) tokens.push(toToken(item));
        }
        startKey = res.LastEvaluatedKey;
      } while (startKey);
      return { tokens, mark };
    },

    async deleteTokens(userId, tokenIds) {
      for (let i = 0; i < tokenIds.length; i += 25) {
        let pending: Record<string, unknown[]> | undefined = {
          [tables.tokens]: tokenIds.slice(i, i + 25).map((id) => ({ DeleteRequest: { Key: tokenKey(userId, id) } })),
        };
        for (let attempt = 0; pending && Object.keys(pending).length > 0 && attempt < 4; attempt += 1) {
          const res = await documentClient.send(new BatchWriteCommand({ RequestItems: pending as never }));
          pending = res.UnprocessedItems as Record<string, unknown[]> | undefined;
        }
      }
    },

    async setRevocationMark(userId, mark) {
      await documentClient.send(
        new PutCommand({
          TableName: tables.tokens,
          Item: { ...markKey(userId), validAfterMs: mark.validAfterMs, exceptTokenId: mark.exceptTokenId, ttl: Math.ceil(mark.validAfterMs / 1000) + MARK_TTL_SECONDS },
        }),
      );
    },
  };
}
