import { randomBytes } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../platform/aws/dynamodb';
import { lockKey, tokenKey } from '../identity-items';
import { conditionalWrite } from '../write-failures';
import type { MfaStore, SecurityEventRecord, TotpRecord } from './model';

/**
 * The second-factor data in DynamoDB, beside the identity items (lib/identity/identity-items.ts owns
 * those and their keys; the keys below follow its layout).
 *
 * accounts table
 *   USER#<userId> / MFA#TOTP              { status, sealed, enrolmentId, createdAtMs, lastStep?, recovery? (string set of digests) }
 *   USER#<userId> / SECEVENT#<iso>#<rand> { at, event, detail?, ttl }: what the account page lists
 *   EMAIL#<email> / LOCK                  the credential: `totp = true` while the app is on
 * tokens table
 *   USER#<userId> / TOKEN#<tokenId>       a session: `confirmedAtMs` (recent sign-in)
 */
export interface MfaTables {
  accounts: string;
  tokens: string;
}

/** Security events are kept this long (the account page lists the newest). */
const EVENT_TTL_SECONDS = 400 * 86_400;

const totpKey = (userId: string) => ({ pk: `USER#${userId}`, sk: 'MFA#TOTP' });

function toTotp(item: Record<string, unknown> | undefined): TotpRecord | undefined {
  if (!item || (item.status !== 'pending' && item.status !== 'active')) return undefined;
  return {
    userId: String(item.userId),
    status: item.status,
    sealed: item.sealed as TotpRecord['sealed'],
    enrolmentId: String(item.enrolmentId),
    createdAtMs: Number(item.createdAtMs),
    ...(typeof item.lastStep === 'number' ? { lastStep: item.lastStep } : {}),
    recoveryDigests: item.recovery instanceof Set ? [...(item.recovery as Set<string>)] : [],
  };
}

export function eventItem(userId: string, event: SecurityEventRecord) {
  return {
    pk: `USER#${userId}`,
    sk: `SECEVENT#${event.at}#${randomBytes(4).toString('hex')}`,
    ...event,
    ttl: Math.ceil(Date.parse(event.at) / 1000) + EVENT_TTL_SECONDS,
  };
}

export function dynamoMfaStore(tables: MfaTables): MfaStore {
  /** One transaction on these tables; false when a condition failed. */
  type TransactItems = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>;
  const transact = (items: TransactItems) => conditionalWrite(() => documentClient.send(new TransactWriteCommand({ TransactItems: items })));
  /** The security event's item, written in the transaction of the change it records. */
  const eventPut = (userId: string, event: SecurityEventRecord) => ({ Put: { TableName: tables.accounts, Item: eventItem(userId, event) } });
  /** The credential's `totp` flag (`SET totp = :on` or `REMOVE totp`), while the lock is still this user's. */
  const lockTotpFlag = (userId: string, email: string, on: boolean) => ({
    Update: {
      TableName: tables.accounts,
      Key: lockKey(email),
      UpdateExpression: on ? 'SET totp = :on' : 'REMOVE totp',
      ConditionExpression: 'userId = :u',
      ExpressionAttributeValues: on ? { ':on': true, ':u': userId } : { ':u': userId },
    },
  });

  return {
    async getTotp(userId) {
      const res = await documentClient.send(new GetCommand({ TableName: tables.accounts, Key: totpKey(userId), ConsistentRead: true }));
      return toTotp(res.Item);
    },

    async putPendingTotp(record) {
      const { recoveryDigests: _unused, ...fields } = record;
      return conditionalWrite(() =>
        documentClient.send(
          new PutCommand({
            TableName: tables.accounts,
            Item: { ...totpKey(record.userId), ...fields },
            // An app that is on is turned off first (DELETE, with its own recent sign-in and mail).
            ConditionExpression: 'attribute_not_exists(pk) OR #s = :pending',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':pending': 'pending' },
          }),
        ),
      );
    },

    async activateTotp(userId, email, enrolmentId, step, recoveryDigests, event) {
      return transact([
        {
          Update: {
            TableName: tables.accounts,
            Key: totpKey(userId),
            UpdateExpression: 'SET #s = :active, lastStep = :step, recovery = :codes',
            // The enrolment the code was checked against, still pending.
            ConditionExpression: '#s = :pending AND enrolmentId = :e',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':active': 'active', ':pending': 'pending', ':e': enrolmentId, ':step': step, ':codes': new Set(recoveryDigests) },
          },
        },
        lockTotpFlag(userId, email, true),
        eventPut(userId, event),
      ]);
    },

    async removeTotp(userId, email, enrolmentId, event) {
      return transact([
        {
          Delete: {
            TableName: tables.accounts,
            Key: totpKey(userId),
            // The enrolment that was read: a newer one is not removed unseen.
            ConditionExpression: 'enrolmentId = :e',
            ExpressionAttributeValues: { ':e': enrolmentId },
          },
        },
        lockTotpFlag(userId, email, false),
        ...(event ? [eventPut(userId, event)] : []),
      ]);
    },

    async useStep(userId, step) {
      return conditionalWrite(() =>
        documentClient.send(
          new UpdateCommand({
            TableName: tables.accounts,
            Key: totpKey(userId),
            UpdateExpression: 'SET lastStep = :step',
            // One write decides: two requests with the same code cannot both pass.
            ConditionExpression: '#s = :active AND (attribute_not_exists(lastStep) OR lastStep < :step)',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':active': 'active', ':step': step },
          }),
        ),
      );
    },

    async useRecoveryCode(userId, digest, event) {
      return transact([
        {
          Update: {
            TableName: tables.accounts,
            Key: totpKey(userId),
            UpdateExpression: 'DELETE recovery :d',
            ConditionExpression: '#s = :active AND contains(recovery, :digest)',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':d': new Set([digest]), ':digest': digest, ':active': 'active' },
          },
        },
        eventPut(userId, event),
      ]);
    },

    confirmSessionWrite(userId, tokenId, nowMs) {
      return {
        Update: {
          TableName: tables.tokens,
          Key: tokenKey(userId, tokenId),
          UpdateExpression: 'SET confirmedAtMs = :now',
          // Never a stub for a session revoked meanwhile.
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':now': nowMs },
        },
      };
    },

    async listEvents(userId, limit) {
      const res = await documentClient.send(
        new QueryCommand({
          TableName: tables.accounts,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': `USER#${userId}`, ':prefix': 'SECEVENT#' },
          ScanIndexForward: false,
          Limit: limit,
          ConsistentRead: true,
        }),
      );
      return (res.Items ?? []).map((item) => ({ at: String(item.at), event: item.event as SecurityEventRecord['event'], ...(typeof item.detail === 'string' ? { detail: item.detail } : {}) }));
    },

    async putEvent(userId, event) {
      await documentClient.send(new PutCommand({ TableName: tables.accounts, Item: eventItem(userId, event) }));
    },
  };
}
