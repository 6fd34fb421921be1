import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { randomBytes } from 'node:crypto';
import { documentClient } from '../platform/aws/dynamodb';
import { nowEpochSeconds, nowIso } from '../platform/time';
import type { EventClaimStore, ReceiptCompletion } from './receipt';

/** Kept longer than Stripe's 3-day retry window. */
export const RECEIPT_RETENTION_SECONDS = 30 * 86_400;

const key = (eventId: string) => ({ pk: `EVENT#${eventId}`, sk: 'RECEIPT' });

/**
 * DynamoDB adapter for receipts (billing table, `EVENT#<id>`/`RECEIPT`): `in_progress` from the
 * webhook's claim until the worker completes it, then `completed`; kept 30 days.
 */
export function dynamoEventClaims(tableName: string): EventClaimStore & ReceiptCompletion {
  return {
    async claim(eventId, type) {
      const token = randomBytes(12).toString('base64url');
      const now = nowEpochSeconds();
      try {
        await documentClient.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...key(eventId), eventId, type, status: 'in_progress', claimToken: token, receivedAt: nowIso(), ttl: now + RECEIPT_RETENTION_SECONDS },
            // New, or claimed by a delivery whose hand-off may not have happened (not completed).
            ConditionExpression: 'attribute_not_exists(pk) OR #status <> :completed',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':completed': 'completed' },
          }),
        );
        return { outcome: 'claimed', token };
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return { outcome: 'completed' };
        throw error;
      }
    },
    async release(eventId, token) {
      try {
        await documentClient.send(
          new DeleteCommand({ TableName: tableName, Key: key(eventId), ConditionExpression: 'claimToken = :token', ExpressionAttributeValues: { ':token': token } }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    },
    async acknowledge(eventId, type) {
      const now = nowEpochSeconds();
      await documentClient.send(
        new PutCommand({ TableName: tableName, Item: { ...key(eventId), eventId, type, status: 'completed', receivedAt: nowIso(), completedAt: nowIso(), ttl: now + RECEIPT_RETENTION_SECONDS } }),
      );
    },
    async complete(eventId) {
      // Unconditional: a receipt a failed delivery released is recreated as completed (the event
      // was queued by another delivery), so later replays are still recognised.
      await documentClient.send(
        new UpdateCommand({
          TableName: tableName,
          Key: key(eventId),
          UpdateExpression: 'SET #status = :completed, completedAt = :at, eventId = :id, #ttl = if_not_exists(#ttl, :ttl) REMOVE claimToken',
          ExpressionAttributeNames: { '#status': 'status', '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':completed': 'completed', ':at': nowIso(), ':id': eventId, ':ttl': nowEpochSeconds() + RECEIPT_RETENTION_SECONDS },
        }),
      );
    },
  };
}
