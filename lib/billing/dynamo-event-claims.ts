import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { randomBytes } from 'node:crypto';
import { documentClient } from '../platform/aws/dynamodb';
import { nowEpochSeconds, nowIso } from '../platform/time';
import type { EventClaimStore } from './receipt';

/** Kept longer than Stripe's 3-day retry window. */
export const RECEIPT_RETENTION_SECONDS = 30 * 86_400;
/** Longer than the webhook function's timeout, far shorter than Stripe's first retry. */
export const IN_PROGRESS_SECONDS = 30;

const key = (eventId: string) => ({ pk: `EVENT#${eventId}`, sk: 'RECEIPT' });

/** DynamoDB adapter for receipt claims (billing table). Expiry is checked on write, never left to TTL. */
export function dynamoEventClaims(tableName: string): EventClaimStore {
  return {
    async claim(eventId, type) {
      const token = randomBytes(12).toString('base64url');
      const now = nowEpochSeconds();
      try {
        await documentClient.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...key(eventId), eventId, type, status: 'in_progress', claimToken: token, inProgressUntil: now + IN_PROGRESS_SECONDS, receivedAt: nowIso(), ttl: now + RECEIPT_RETENTION_SECONDS },
            // New, or an in-progress claim whose holder died (its expiry passed).
            ConditionExpression: 'attribute_not_exists(pk) OR (#status = :inProgress AND inProgressUntil < :now)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':inProgress': 'in_progress', ':now': now },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return { outcome: 'claimed', token };
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) {
          return error.Item?.status?.S === 'completed' ? { outcome: 'completed' } : { outcome: 'in_progress' };
        }
        throw error;
      }
    },
    async complete(eventId, token) {
      await documentClient.send(
        new UpdateCommand({
          TableName: tableName,
          Key: key(eventId),
          UpdateExpression: 'SET #status = :completed, completedAt = :at REMOVE inProgressUntil, claimToken',
          ConditionExpression: 'claimToken = :token',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':completed': 'completed', ':at': nowIso(), ':token': token },
        }),
      );
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
  };
}
