import { DeleteCommand, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../platform/aws/dynamodb';
import { eventItem } from '../mfa/dynamo-mfa-store';
import { conditionalWrite } from '../write-failures';
import type { PasskeyRecord, PasskeyStore } from './model';

/**
 * Passkeys in the accounts table (beside the identity items):
 *   USER#<userId> / PASSKEY#<credentialId>   the passkey (public key, counter, flags, name, times)
 *   PKCHAL#<challenge> / CHALLENGE           a WebAuthn challenge { purpose, userId?, expiresAtMs, ttl }
 * A discoverable sign-in names its account (the user handle) and its credential id: one GetItem.
 */
const passkeyKey = (userId: string, credentialId: string) => ({ pk: `USER#${userId}`, sk: `PASSKEY#${credentialId}` });
const challengeKey = (challenge: string) => ({ pk: `PKCHAL#${challenge}`, sk: 'CHALLENGE' });

function toPasskey(item: Record<string, unknown> | undefined): PasskeyRecord | undefined {
  if (!item || typeof item.publicKey !== 'string') return undefined;
  return {
    userId: String(item.userId),
    credentialId: String(item.credentialId),
    publicKey: item.publicKey,
    counter: Number(item.counter ?? 0),
    transports: Array.isArray(item.transports) ? (item.transports as string[]) : [],
    deviceType: String(item.deviceType ?? 'singleDevice'),
    backedUp: item.backedUp === true,
    name: String(item.name),
    createdAt: String(item.createdAt),
    lastUsedAt: typeof item.lastUsedAt === 'string' ? item.lastUsedAt : null,
  };
}

export function dynamoPasskeyStore(accountsTable: string): PasskeyStore {
  return {
    async putChallenge(record) {
      await documentClient.send(
        new PutCommand({
          TableName: accountsTable,
          Item: { ...challengeKey(record.challenge), ...record, ttl: Math.ceil(record.expiresAtMs / 1000) + 3600 },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },

    async takeChallenge(challenge) {
      let item: Record<string, unknown> | undefined;
      // The delete is the use: two requests with one challenge cannot both get it back.
      const taken = await conditionalWrite(async () => {
        item = (await documentClient.send(new DeleteCommand({ TableName: accountsTable, Key: challengeKey(challenge), ConditionExpression: 'attribute_exists(pk)', ReturnValues: 'ALL_OLD' }))).Attributes;
      });
      if (!taken || !item || (item.purpose !== 'register' && item.purpose !== 'authenticate')) return undefined;
      return { challenge, purpose: item.purpose, userId: typeof item.userId === 'string' ? item.userId : undefined, expiresAtMs: Number(item.expiresAtMs) };
    },

    async addPasskey(record, event) {
      return conditionalWrite(() =>
        documentClient.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName: accountsTable, Item: { ...passkeyKey(record.userId, record.credentialId), ...record }, ConditionExpression: 'attribute_not_exists(pk)' } },
              { Put: { TableName: accountsTable, Item: eventItem(record.userId, event) } },
            ],
          }),
        ),
      );
    },

    async getPasskey(userId, credentialId) {
      const res = await documentClient.send(new GetCommand({ TableName: accountsTable, Key: passkeyKey(userId, credentialId), ConsistentRead: true }));
      return toPasskey(res.Item);
    },

    async listPasskeys(userId) {
      const res = await documentClient.send(
        new QueryCommand({
          TableName: accountsTable,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': `USER#${userId}`, ':prefix': 'PASSKEY#' },
          ConsistentRead: true,
        }),
      );
      return (res.Items ?? []).map((item) => toPasskey(item)).filter((p): p is PasskeyRecord => p !== undefined);
    },

    async recordUse(userId, credentialId, previousCounter, use) {
      return conditionalWrite(() =>
        documentClient.send(
          new UpdateCommand({
            TableName: accountsTable,
            Key: passkeyKey(userId, credentialId),
            UpdateExpression: 'SET #c = :next, backedUp = :b, lastUsedAt = :at',
            // The counter read is the counter written over: two uses of one assertion cannot both pass.
            ConditionExpression: 'attribute_exists(pk) AND #c = :prev',
            ExpressionAttributeNames: { '#c': 'counter' },
            ExpressionAttributeValues: { ':next': use.counter, ':prev': previousCounter, ':b': use.backedUp, ':at': use.at },
          }),
        ),
      );
    },

    async removePasskey(userId, credentialId, event) {
      const existing = await this.getPasskey(userId, credentialId);
      if (!existing) return undefined;
      const removed = await conditionalWrite(() =>
        documentClient.send(
          new TransactWriteCommand({
            TransactItems: [
              { Delete: { TableName: accountsTable, Key: passkeyKey(userId, credentialId), ConditionExpression: 'attribute_exists(pk)' } },
              { Put: { TableName: accountsTable, Item: eventItem(userId, { ...event, detail: existing.name }) } },
            ],
          }),
        ),
      );
      return removed ? existing : undefined;
    },
  };
}
