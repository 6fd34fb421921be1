import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand, TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { documentClient, queryItems } from '../platform/aws/dynamodb';
import { AlongsideWriteRefusedError, type AuditEntry, type AuditStore } from './audit-log';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

function cancellationCodes(error: unknown): string[] | undefined {
  if ((error as { name?: string })?.name !== 'TransactionCanceledException') return undefined;
  return ((error as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? []).map((r) => r.Code ?? 'None');
}

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
    async insert(entry, alongside) {
      const put = {
        TableName: tableName,
        Item: { pk: CHAIN, sk: seqKey(entry.seq), ...entry },
        // Insert only: a sequence number is written once, by the writer that claimed it.
        ConditionExpression: 'attribute_not_exists(pk)',
      };
      if (alongside !== undefined) {
        // One transaction: the audited action's writes first (one, or a list), the entry last.
        const writes = (Array.isArray(alongside) ? alongside : [alongside]) as TransactItem[];
        try {
          await documentClient.send(new TransactWriteCommand({ TransactItems: [...writes, { Put: put }] }));
          return true;
        } catch (error) {
          const codes = cancellationCodes(error);
          if (!codes) throw error;
          if (codes.slice(0, writes.length).includes('ConditionalCheckFailed')) throw new AlongsideWriteRefusedError({ cause: error });
          // The sequence number was taken, or (real DynamoDB) a concurrent transaction conflicted:
          // nothing was written; the caller reads the head again and retries.
          if (codes[writes.length] === 'ConditionalCheckFailed' || codes.includes('TransactionConflict')) return false;
          throw error;
        }
      }
      try {
        await documentClient.send(new PutCommand(put));
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
