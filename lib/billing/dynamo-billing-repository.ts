import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../platform/aws/dynamodb';
import { nowEpochSeconds, nowIso } from '../platform/time';
import type { BillingRepository } from './apply';
import type { CustomerState } from './customer-state';
import { RECEIPT_RETENTION_SECONDS } from './dynamo-event-claims';

type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

const customerKey = (customerId: string) => ({ pk: `CUSTOMER#${customerId}`, sk: 'STATE' });
const appliedKey = (eventId: string) => ({ pk: `EVENT#${eventId}`, sk: 'APPLIED' });
const userKey = (userId: string) => ({ pk: `USER#${userId}`, sk: 'PROFILE' });

const STATE_FIELDS = ['customerId', 'userId', 'linkVersion', 'deleted', 'subscriptionId', 'plan', 'periodEnd', 'subscriptionVersion', 'status', 'statusVersion', 'rev'] as const;

function toState(item: Record<string, unknown>): CustomerState {
  const state = Object.fromEntries(STATE_FIELDS.map((f) => [f, item[f] ?? null])) as unknown as CustomerState;
  state.deleted = item.deleted === true;
  if (item.erased === true) state.erased = true;
  state.rev = Number(item.rev ?? 0);
  return state;
}

/**
 * DynamoDB adapter of the worker's repository. The billing table keeps, per Stripe customer, the
 * allow-listed state with its versions and the customer → user mapping (`CUSTOMER#<id>`/`STATE`),
 * and one applied marker per event (`EVENT#<id>`/`APPLIED`, 30 days). The user item's `billing`
 * map (accounts table) is written in the same transaction.
 */
export function dynamoBillingRepository(billingTable: string, accountsTable: string): BillingRepository {
  return {
    async appliedMarker(eventId) {
      const out = await documentClient.send(new GetCommand({ TableName: billingTable, Key: appliedKey(eventId), ConsistentRead: true }));
      return out.Item ? { notifyPending: out.Item.notifyPending === true } : undefined;
    },
    async loadCustomer(customerId) {
      const out = await documentClient.send(new GetCommand({ TableName: billingTable, Key: customerKey(customerId), ConsistentRead: true }));
      return out.Item ? toState(out.Item) : undefined;
    },
    async loadUser(userId) {
      const out = await documentClient.send(
        new GetCommand({
          TableName: accountsTable,
          Key: userKey(userId),
          ConsistentRead: true,
          ProjectionExpression: 'userId, email, billing.customerId',
        }),
      );
      if (!out.Item || typeof out.Item.email !== 'string') return undefined;
      const billing = out.Item.billing as { customerId?: unknown } | undefined;
      return { userId, email: out.Item.email, billingCustomerId: typeof billing?.customerId === 'string' ? billing.customerId : null };
    },
    async commit(change) {
      const now = nowEpochSeconds();
      const { rev: _rev, ...fields } = change.next;
      const items: TransactItem[] = [
        {
          Put: {
            TableName: billingTable,
            Item: { ...customerKey(change.next.customerId), ...fields, rev: (change.previous?.rev ?? 0) + 1, updatedAt: nowIso(), lastEventId: change.eventId },
            // Optimistic concurrency: the state is replaced only if nobody wrote it since it was read.
            ConditionExpression: change.previous ? '#rev = :rev' : 'attribute_not_exists(pk)',
            ExpressionAttributeNames: change.previous ? { '#rev': 'rev' } : undefined,
            ExpressionAttributeValues: change.previous ? { ':rev': change.previous.rev } : undefined,
          },
        },
        {
          Put: {
            TableName: billingTable,
            Item: { ...appliedKey(change.eventId), eventId: change.eventId, type: change.eventType, appliedAt: nowIso(), ttl: now + RECEIPT_RETENTION_SECONDS, ...(change.notifyPending ? { notifyPending: true } : {}) },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ];
      for (const write of change.userWrites) {
        const guard = write.expectedCustomerId === null ? 'attribute_not_exists(billing.customerId)' : 'billing.customerId = :expected';
        const values = {
          ...(write.billing ? { ':billing': write.billing } : {}),
          ...(write.expectedCustomerId === null ? {} : { ':expected': write.expectedCustomerId }),
        };
        items.push({
          Update: {
            TableName: accountsTable,
            Key: userKey(write.userId),
            UpdateExpression: write.billing ? 'SET billing = :billing' : 'REMOVE billing',
            ConditionExpression: `attribute_exists(pk) AND ${guard}`,
            ExpressionAttributeValues: Object.keys(values).length ? values : undefined,
          },
        });
      }
      try {
        await documentClient.send(new TransactWriteCommand({ TransactItems: items }));
        return 'committed';
      } catch (error) {
        if (error instanceof TransactionCanceledException) {
          const reasons = error.CancellationReasons ?? [];
          if (reasons[1]?.Code === 'ConditionalCheckFailed') return 'duplicate';
          if (reasons.some((r) => r.Code === 'ConditionalCheckFailed' || r.Code === 'TransactionConflict')) return 'conflict';
        }
        throw error;
      }
    },
    async clearNotifyPending(eventId) {
      await documentClient.send(new UpdateCommand({ TableName: billingTable, Key: appliedKey(eventId), UpdateExpression: 'REMOVE notifyPending', ConditionExpression: 'attribute_exists(pk)' }));
    },
  };
}
