import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../platform/aws/dynamodb';
import type { ConnectionRecord, ConnectionStore, ConnectTransaction, SealedTokens } from './model';

/**
 * DynamoDB adapter of the connections table. Every decision that depends on stored state is one
 * conditional write: starting a connect transaction (only in its browser, once), consuming it, taking the
 * refresh lease, saving rotated tokens (only by the lease holder), deleting (with its audit entry).
 */
export type { ConnectionStore };

const txnKey = (digest: string) => ({ pk: `CONNECT#${digest}`, sk: 'CONNECT' });
const connKey = (userId: string, connectionId: string) => ({ pk: `USER#${userId}`, sk: `CONN#${connectionId}` });

type Item = Record<string, unknown>;

function toTxn(item: Item): ConnectTransaction {
  return {
    stateDigest: String(item.stateDigest),
    userId: String(item.userId),
    provider: String(item.provider),
    issuer: String(item.issuer),
    scopes: item.scopes as string[],
    codeVerifier: String(item.codeVerifier),
    redirectUri: String(item.redirectUri),
    expiresAtMs: Number(item.expiresAtMs),
    bindingDigest: String(item.bindingDigest),
    startedAtMs: typeof item.startedAtMs === 'number' ? item.startedAtMs : undefined,
  };
}

function toRecord(item: Item): ConnectionRecord {
  return {
    userId: String(item.userId),
    connectionId: String(item.connectionId),
    provider: String(item.provider),
    accountId: String(item.accountId),
    accountName: String(item.accountName),
    scopes: (item.scopes as string[]) ?? [],
    status: item.status === 'needs_reauth' ? 'needs_reauth' : 'active',
    createdAt: String(item.createdAt),
    lastUsedAtMs: typeof item.lastUsedAtMs === 'number' ? item.lastUsedAtMs : null,
    accessExpiresAtMs: Number(item.accessExpiresAtMs),
    accessLifetimeSeconds: Number(item.accessLifetimeSeconds),
    version: Number(item.version),
    sealed: item.sealed as SealedTokens,
    leaseOwner: typeof item.leaseOwner === 'string' ? item.leaseOwner : undefined,
    leaseUntilMs: typeof item.leaseUntilMs === 'number' ? item.leaseUntilMs : undefined,
  };
}

function conditionFailed(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException || (error as { name?: string })?.name === 'ConditionalCheckFailedException';
}

export function dynamoConnectionStore(table: string): ConnectionStore {
  const db = documentClient;
  return {
    async putTransaction(txn) {
      await db.send(
        new PutCommand({
          TableName: table,
          Item: { ...txnKey(txn.stateDigest), ...txn, ttl: Math.ceil(txn.expiresAtMs / 1000) + 60 },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },

    async startTransaction(stateDigest, bindingDigest, nowMs) {
      try {
        const out = await db.send(
          new UpdateCommand({
            TableName: table,
            Key: txnKey(stateDigest),
            UpdateExpression: 'SET startedAtMs = :now',
            // Only the browser that asked (its cookie's digest), once, and never after expiry.
            ConditionExpression: 'attribute_exists(pk) AND bindingDigest = :b AND attribute_not_exists(startedAtMs) AND expiresAtMs > :now',
            ExpressionAttributeValues: { ':b': bindingDigest ?? '-', ':now': nowMs },
            ReturnValues: 'ALL_NEW',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return { txn: toTxn(out.Attributes!) };
      } catch (error) {
        if (!conditionFailed(error)) throw error;
        const old = (error as { Item?: Record<string, { N?: string; S?: string }> }).Item;
        if (!old) return { refused: 'unknown' };
        if (old.bindingDigest?.S !== bindingDigest) return { refused: 'browser_mismatch' };
        if (Number(old.expiresAtMs?.N ?? 0) <= nowMs) return { refused: 'expired' };
        return { refused: 'used' };
      }
    },

    async consumeTransaction(stateDigest, bindingDigest, nowMs) {
      try {
        const out = await db.send(
          new DeleteCommand({
            TableName: table,
            Key: txnKey(stateDigest),
            ConditionExpression: 'attribute_exists(pk) AND bindingDigest = :b AND attribute_exists(startedAtMs) AND expiresAtMs > :now',
            ExpressionAttributeValues: { ':b': bindingDigest ?? '-', ':now': nowMs },
            ReturnValues: 'ALL_OLD',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return { txn: toTxn(out.Attributes!) };
      } catch (error) {
        if (!conditionFailed(error)) throw error;
        const old = (error as { Item?: Record<string, unknown> }).Item;
        if (!old) return { refused: 'unknown' };
        const expiresAtMs = Number((old.expiresAtMs as { N?: string })?.N ?? 0);
        if ((old.bindingDigest as { S?: string })?.S !== bindingDigest) return { refused: 'browser_mismatch' };
        return { refused: expiresAtMs <= nowMs ? 'expired' : 'unknown' };
      }
    },

    async putConnection(record) {
      const { leaseOwner: _o, leaseUntilMs: _u, lastUsedAtMs, ...rest } = record;
      await db.send(
        new PutCommand({
          TableName: table,
          Item: { ...connKey(record.userId, record.connectionId), ...rest, ...(lastUsedAtMs === null ? {} : { lastUsedAtMs }) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },

    async getConnection(userId, connectionId) {
      const out = await db.send(new GetCommand({ TableName: table, Key: connKey(userId, connectionId), ConsistentRead: true }));
      return out.Item ? toRecord(out.Item) : undefined;
    },

    async listConnections(userId) {
      const items: Item[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const out = await db.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
            ExpressionAttributeValues: { ':pk': `USER#${userId}`, ':sk': 'CONN#' },
            ConsistentRead: true,
            ExclusiveStartKey: start,
          }),
        );
        items.push(...(out.Items ?? []));
        start = out.LastEvaluatedKey;
      } while (start);
      return items.map(toRecord);
    },

    async takeLease(userId, connectionId, { version, owner, untilMs, nowMs }) {
      try {
        await db.send(
          new UpdateCommand({
            TableName: table,
            Key: connKey(userId, connectionId),
            UpdateExpression: 'SET leaseOwner = :o, leaseUntilMs = :u',
            // The lease is taken before the provider is called: only the caller that saw this
            // version, with no live lease on the row, refreshes; everyone else waits and re-reads.
            ConditionExpression: 'attribute_exists(pk) AND version = :v AND (attribute_not_exists(leaseUntilMs) OR leaseUntilMs < :now)',
            ExpressionAttributeValues: { ':o': owner, ':u': untilMs, ':v': version, ':now': nowMs },
          }),
        );
        return true;
      } catch (error) {
        if (conditionFailed(error)) return false;
        throw error;
      }
    },

    async saveRefreshed(userId, connectionId, owner, update) {
      try {
        await db.send(
          new UpdateCommand({
            TableName: table,
            Key: connKey(userId, connectionId),
            UpdateExpression: 'SET sealed = :s, accessExpiresAtMs = :e, accessLifetimeSeconds = :l, scopes = :sc, version = :v REMOVE leaseOwner, leaseUntilMs',
            ConditionExpression: 'leaseOwner = :o',
            ExpressionAttributeValues: { ':s': update.sealed, ':e': update.accessExpiresAtMs, ':l': update.accessLifetimeSeconds, ':sc': update.scopes, ':v': update.version, ':o': owner },
          }),
        );
        return true;
      } catch (error) {
        if (conditionFailed(error)) return false;
        throw error;
      }
    },

    async releaseLease(userId, connectionId, owner) {
      try {
        await db.send(
          new UpdateCommand({
            TableName: table,
            Key: connKey(userId, connectionId),
            UpdateExpression: 'REMOVE leaseOwner, leaseUntilMs',
            ConditionExpression: 'leaseOwner = :o',
            ExpressionAttributeValues: { ':o': owner },
          }),
        );
      } catch (error) {
        if (!conditionFailed(error)) throw error;
      }
    },

    async markNeedsReauth(userId, connectionId, owner) {
      try {
        await db.send(
          new UpdateCommand({
            TableName: table,
            Key: connKey(userId, connectionId),
            UpdateExpression: 'SET #s = :s REMOVE leaseOwner, leaseUntilMs',
            ConditionExpression: 'leaseOwner = :o',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':s': 'needs_reauth', ':o': owner },
          }),
        );
      } catch (error) {
        if (!conditionFailed(error)) throw error;
      }
    },

    async touch(userId, connectionId, nowMs, olderThanMs) {
      try {
        await db.send(
          new UpdateCommand({
            TableName: table,
            Key: connKey(userId, connectionId),
            UpdateExpression: 'SET lastUsedAtMs = :now',
            ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(lastUsedAtMs) OR lastUsedAtMs < :old)',
            ExpressionAttributeValues: { ':now': nowMs, ':old': olderThanMs },
          }),
        );
      } catch (error) {
        if (!conditionFailed(error)) throw error;
      }
    },

    async leaseLatest(userId, connectionId, { owner, untilMs, nowMs }) {
      try {
        const out = await db.send(
          new UpdateCommand({
            TableName: table,
            Key: connKey(userId, connectionId),
            UpdateExpression: 'SET leaseOwner = :o, leaseUntilMs = :u',
            // No version condition: the row comes back as leased, so what is revoked is what a
            // refresh can no longer replace (saveRefreshed needs its own lease owner).
            ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(leaseUntilMs) OR leaseUntilMs < :now)',
            ExpressionAttributeValues: { ':o': owner, ':u': untilMs, ':now': nowMs },
            ReturnValues: 'ALL_NEW',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return toRecord(out.Attributes!);
      } catch (error) {
        if (!conditionFailed(error)) throw error;
        return (error as { Item?: unknown }).Item ? 'leased' : 'missing';
      }
    },

    deleteWrite(userId, connectionId, owner) {
      return { Delete: { TableName: table, Key: connKey(userId, connectionId), ConditionExpression: 'leaseOwner = :o', ExpressionAttributeValues: { ':o': owner } } };
    },
  };
}
