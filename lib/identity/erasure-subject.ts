import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../platform/aws/dynamodb';
import type { DataSubject } from '../data-rights/part';

/**
 * The account `customers erase` deletes, read without the owner's password (the engineer's grant
 * stands in for the owner's confirmation): the data subject, and the credential version the close
 * transaction checks (as `confirmWithPassword` returns it for DELETE /v1/me, so a password changed
 * meanwhile still makes the close answer 409). `closed`: the account was closed already (its
 * credential gone, the ledger entry in) and only its erasure is left to finish.
 */
export interface AccountForErasure {
  subject: DataSubject;
  guard: { version: number };
  closed: boolean;
}

export async function accountForErasure(tables: { accounts: string }, userId: string): Promise<AccountForErasure | undefined> {
  const profile = (
    await documentClient.send(
      new GetCommand({
        TableName: tables.accounts,
        Key: { pk: `USER#${userId}`, sk: 'PROFILE' },
        // Never the password hash: only what the subject and the state need.
        ProjectionExpression: 'userId, email, #name, billing, createdAt, closedAt',
        ExpressionAttributeNames: { '#name': 'name' },
        ConsistentRead: true,
      }),
    )
  ).Item;
  if (!profile || profile.userId !== userId || typeof profile.email !== 'string') return undefined;
  const billing = profile.billing as { customerId?: unknown } | undefined;
  const subject: DataSubject = {
    userId,
    email: profile.email,
    name: typeof profile.name === 'string' ? profile.name : null,
    billingCustomerId: typeof billing?.customerId === 'string' ? billing.customerId : null,
    createdAt: typeof profile.createdAt === 'string' ? profile.createdAt : null,
  };
  if (typeof profile.closedAt === 'string') return { subject, guard: { version: 0 }, closed: true };
  const lock = (await documentClient.send(new GetCommand({ TableName: tables.accounts, Key: { pk: `EMAIL#${profile.email}`, sk: 'LOCK' }, ConsistentRead: true }))).Item;
  const version = lock && lock.userId === userId ? Number(lock.credentialVersion ?? lock.version ?? 0) : 0;
  return { subject, guard: { version }, closed: false };
}
