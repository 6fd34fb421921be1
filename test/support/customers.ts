import { randomUUID } from 'node:crypto';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export { emulatorDocumentClient } from '../../scripts/lib/emulator-clients';

export interface SeededCustomer {
  userId: string;
  email: string;
  item: Record<string, unknown>;
}

/**
 * Writes a customer per the accounts-table data contract (user item + email lock), as signup
 * would: the identity capability is built in parallel, so tests seed the items directly.
 */
export async function seedCustomer(client: DynamoDBDocumentClient, tableName: string, overrides: Record<string, unknown> = {}): Promise<SeededCustomer> {
  const userId = `usr_${randomUUID().replace(/-/g, '')}`;
  const email = `access-${randomUUID()}@example.test`;
  const item = {
    pk: `USER#${userId}`,
    sk: 'PROFILE',
    userId,
    email,
    name: 'Ada Example',
    passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA',
    emailVerified: true,
    createdAt: '2026-11-02T10:00:00.000Z',
    verifiedAt: '2026-11-02T10:05:00.000Z',
    billing: { customerId: 'cus_Test123', subscriptionId: 'sub_Test123', status: 'active', plan: 'team', periodEnd: '2026-12-02T10:00:00.000Z', updatedAt: '2026-11-02T10:06:00.000Z' },
    ...overrides,
  } as Record<string, unknown>;
  await client.send(new PutCommand({ TableName: tableName, Item: item }));
  await client.send(new PutCommand({ TableName: tableName, Item: { pk: `EMAIL#${String(item.email).toLowerCase()}`, sk: 'LOCK', userId } }));
  return { userId, email: String(item.email), item };
}
