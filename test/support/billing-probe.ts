import { ListTablesCommand, ScanCommand as RawScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { emulatorDocumentClient } from '../../scripts/lib/emulator-clients';

/**
 * Direct access to the test stage's tables, for assertions the public API cannot make (the
 * receipt record, the user item's `billing` map) and for seeding user items per the data contract.
 */
/** `endpoint`: the emulator of the layer at hand (both layers' variables are set when they run together). */
export function billingProbe(endpoint: string) {
  const client = emulatorDocumentClient(endpoint);
  const billingTable = process.env.BILLING_TABLE ?? 'helpshelf-local-billing';
  const accountsTable = process.env.ACCOUNTS_TABLE ?? 'helpshelf-local-accounts';
  return {
    client,
    async receiptOf(eventId: string) {
      return (await client.send(new GetCommand({ TableName: billingTable, Key: { pk: `EVENT#${eventId}`, sk: 'RECEIPT' }, ConsistentRead: true }))).Item;
    },
    async appliedOf(eventId: string) {
      return (await client.send(new GetCommand({ TableName: billingTable, Key: { pk: `EVENT#${eventId}`, sk: 'APPLIED' }, ConsistentRead: true }))).Item;
    },
    async customerState(customerId: string) {
      return (await client.send(new GetCommand({ TableName: billingTable, Key: { pk: `CUSTOMER#${customerId}`, sk: 'STATE' }, ConsistentRead: true }))).Item;
    },
    async user(userId: string) {
      return (await client.send(new GetCommand({ TableName: accountsTable, Key: { pk: `USER#${userId}`, sk: 'PROFILE' }, ConsistentRead: true }))).Item;
    },
    /** A verified user item as the accounts capability writes it (data contract in the brief). */
    async createUser(userId: string, email: string) {
      await client.send(
        new PutCommand({
          TableName: accountsTable,
          Item: { pk: `USER#${userId}`, sk: 'PROFILE', userId, email, name: null, passwordHash: 'not-a-real-hash', emailVerified: true, createdAt: new Date().toISOString(), verifiedAt: new Date().toISOString() },
        }),
      );
    },
    /**
     * Every item of every table, serialised, for leak checks. Raw attribute values (not
     * unmarshalled): other tests store numbers at the edges of DynamoDB's range, which do not fit
     * a JavaScript number, and a leak check wants the stored text anyway.
     */
    async dumpAllTables(): Promise<string> {
      const { TableNames = [] } = await client.send(new ListTablesCommand({}));
      const parts: string[] = [];
      for (const TableName of TableNames) {
        let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
        do {
          const out = await client.send(new RawScanCommand({ TableName, ExclusiveStartKey }));
          for (const item of out.Items ?? []) parts.push(JSON.stringify(item));
          ExclusiveStartKey = out.LastEvaluatedKey;
        } while (ExclusiveStartKey);
      }
      return parts.join('\n');
    },
  };
}

export type BillingProbe = ReturnType<typeof billingProbe>;
