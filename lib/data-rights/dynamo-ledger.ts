import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { documentClient, queryItems } from '../platform/aws/dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { LEDGER_PARTITION, ledgerItem, ledgerKey, type LedgerEntry } from './ledger';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * The ledger in the live audit table (partition `DELETED`, one item per account, no TTL). Written
 * only inside the deletion's own transaction (`recordWrite`), so an account is in the ledger
 * exactly when its deletion committed.
 */
export function dynamoDeletionLedger(auditTable: string) {
  return {
    /** The ledger item as one write of the deletion's transaction: insert only. */
    recordWrite(entry: LedgerEntry): TransactItem {
      return { Put: { TableName: auditTable, Item: ledgerItem(entry), ConditionExpression: 'attribute_not_exists(pk)' } };
    },
    async has(userId: string): Promise<boolean> {
      const out = await documentClient.send(new GetCommand({ TableName: auditTable, Key: ledgerKey(userId), ConsistentRead: true, ProjectionExpression: 'pk' }));
      return out.Item !== undefined;
    },
    /** Every entry (a Query of one partition, paginated). */
    async *entries(): AsyncGenerator<LedgerEntry> {
      for await (const item of queryItems({
        TableName: auditTable,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': LEDGER_PARTITION },
        ConsistentRead: true,
      })) {
        yield { userId: String(item.userId), emailDigest: String(item.emailDigest), deletedAt: String(item.deletedAt) };
      }
    },
  };
}

export type DeletionLedger = ReturnType<typeof dynamoDeletionLedger>;
