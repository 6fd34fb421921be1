import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, queryItems } from '../platform/aws/dynamodb';
import type { AuditEntry, AuditStore } from './audit-log';

const seqKey = (seq: number) => `SEQ#${String(seq).padStart(12, '0')}`;

function toEntry(item: Record<string, unknown>): AuditEntry {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest as unknown as AuditEntry;
}

/** DynamoDB adapter: one partition per chain, entries sorted by a zero-padded sequence number. */
export function dynamoAuditStore(tableName: string, chain = 'access'): AuditStore {
  const CHAIN = `CHAIN#${chain}`;
  return {
    async latest() {
      const out = await documentClient.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': CHAIN },
          ScanIndexForward: false,
          Limit: 1,
          ConsistentRead: true,
        }),
      );
      return out.Items?.[0] ? toEntry(out.Items[0]) : undefined;
    },
    async insert(entry) {
      try {
        await documentClient.send(
          new PutCommand({
            TableName: tableName,
            Item: { pk: CHAIN, sk: seqKey(entry.seq), ...entry },
            // Insert only: a sequence number is written once, by the writer that claimed it.
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
    async *all() {
      const items = queryItems({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': CHAIN }, ConsistentRead: true });
      for await (const item of items) yield toEntry(item);
    },
  };
}
