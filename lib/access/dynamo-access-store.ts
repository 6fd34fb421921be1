import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, queryAll } from '../platform/aws/dynamodb';
import type { AccessLogItem, AccessLogSource } from './access-log';
import type { Grant, GrantStore } from './grants';

/**
 * The access table (ACCESS_TABLE): grants and the customers' access logs.
 * - grant: `CUST#<customerId>` / `GRANT#<grantId>`, listed through gsi1 (`GRANTS`, grantId: ids sort by request time);
 * - access log: `LOG#customer:<id>` or `LOG#everyone` / `<at>#<id>`.
 * Grant changes are TransactWriteItems that ride with their audit entry (lib/audit).
 */
const GRANT_RETENTION_SECONDS = 400 * 86_400;

const grantKey = (g: Pick<Grant, 'customerId' | 'grantId'>) => ({ pk: `CUST#${g.customerId}`, sk: `GRANT#${g.grantId}` });

function toGrant(item: Record<string, unknown>): Grant {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, ttl: _ttl, ...grant } = item;
  return grant as unknown as Grant;
}

function toLogItem(item: Record<string, unknown>): AccessLogItem {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest as unknown as AccessLogItem;
}

export function dynamoAccessStore(tableName: string): GrantStore & AccessLogSource {
  const ttlFor = (expiresAtMs: number) => Math.floor(expiresAtMs / 1000) + GRANT_RETENTION_SECONDS;
  return {
    async byId(grantId) {
      const found = await documentClient.send(
        new QueryCommand({ TableName: tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p AND gsi1sk = :id', ExpressionAttributeValues: { ':p': 'GRANTS', ':id': grantId } }),
      );
      const hit = found.Items?.[0];
      if (!hit) return undefined;
      // The index is eventually consistent; the item itself is read strongly.
      const out = await documentClient.send(new GetCommand({ TableName: tableName, Key: { pk: hit.pk, sk: hit.sk }, ConsistentRead: true }));
      return out.Item ? toGrant(out.Item) : undefined;
    },
    async forCustomer(customerId) {
      const items = await queryAll({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :g)',
        ExpressionAttributeValues: { ':pk': `CUST#${customerId}`, ':g': 'GRANT#' },
        ConsistentRead: true,
      });
      return items.map(toGrant);
    },
    async list(sinceMs) {
      const values: Record<string, unknown> = { ':p': 'GRANTS' };
      let condition = 'gsi1pk = :p';
      if (sinceMs !== undefined) {
        condition += ' AND gsi1sk >= :from';
        values[':from'] = `gr_${Math.max(0, sinceMs).toString(36).padStart(9, '0')}`;
      }
      const items = await queryAll({ TableName: tableName, IndexName: 'gsi1', KeyConditionExpression: condition, ExpressionAttributeValues: values, ScanIndexForward: false });
      return items.map(toGrant);
    },
    create(grant) {
      return {
        Put: {
          TableName: tableName,
          Item: { ...grantKey(grant), gsi1pk: 'GRANTS', gsi1sk: grant.grantId, ttl: ttlFor(grant.expiresAtMs), ...grant },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      };
    },
    approve(grant, approver, nowMs, approvedAt, expiresAtMs) {
      return {
        Update: {
          TableName: tableName,
          Key: grantKey(grant),
          UpdateExpression: 'SET #status = :active, approver = :approver, approvedAt = :at, expiresAtMs = :until, #ttl = :ttl',
          // One conditional write decides: still pending, not lapsed, and not the requester's own.
          ConditionExpression: '#status = :pending AND expiresAtMs > :now AND requester <> :approver AND attribute_not_exists(expiryAudited)',
          ExpressionAttributeNames: { '#status': 'status', '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':active': 'active', ':pending': 'pending', ':approver': approver, ':at': approvedAt, ':until': expiresAtMs, ':now': nowMs, ':ttl': ttlFor(expiresAtMs) },
        },
      };
    },
    expire(grant, nowMs) {
      return {
        Update: {
          TableName: tableName,
          Key: grantKey(grant),
          UpdateExpression: 'SET #status = :expired, expiryAudited = :yes',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(expiryAudited) AND expiresAtMs <= :now',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':expired': 'expired', ':yes': true, ':now': nowMs },
        },
      };
    },
    log(item) {
      return { Put: { TableName: tableName, Item: { pk: `LOG#${item.scope}`, sk: `${item.at}#${item.id}`, ...item }, ConditionExpression: 'attribute_not_exists(pk)' } };
    },
    async items(scope, { sinceIso, limit }) {
      const values: Record<string, unknown> = { ':pk': `LOG#${scope}` };
      let condition = 'pk = :pk';
      if (sinceIso) {
        condition += ' AND sk >= :since';
        values[':since'] = sinceIso;
      }
      const out = await documentClient.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: condition, ExpressionAttributeValues: values, ScanIndexForward: false, Limit: limit }));
      return (out.Items ?? []).map(toLogItem);
    },
  };
}
