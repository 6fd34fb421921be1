import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError, UnauthorizedError } from '../platform/errors';
import { batchWriteAll, documentClient, queryItems } from '../platform/aws/dynamodb';
import { awsErrorName } from '../platform/aws/errors';
import type { AccountCloser } from '../data-rights/erasure';
import type { DataRightsPart, DataSubject } from '../data-rights/part';
import type { PasswordHasher } from './password-hasher';
import type { UserRecord } from './model';
import { lockKey, markKey, userKey, type TransactItem } from './identity-items';
import { TOKEN_KINDS } from './token-format';

/**
 * Identity's part of a customer's data rights: the account itself, its sessions and access tokens.
 * Never a hash or a token's digest. Closing the account (the deletion's one transaction) and
 * erasing it afterwards are here too, because they are identity's items and rules:
 * - close: the credential goes (only if it is still the one the owner just proved: a password
 *   changed meanwhile makes the deletion answer 409), the revocation mark moves past every token
 *   there will ever be, the user item is marked closed, and the deletion ledger's entry goes in.
 * - erase: every token item, then the mark (last: a token must never outlive its mark), then the
 *   account's partition.
 */

/** Past any credential version an account can reach: every token, issued or to come, is revoked by it. */
export const CLOSED_ACCOUNT_VERSION = Number.MAX_SAFE_INTEGER;

export interface IdentityTablesForDataRights {
  accounts: string;
  tokens: string;
}

export function subjectOf(user: UserRecord): DataSubject {
  return { userId: user.userId, email: user.email, name: user.name, billingCustomerId: user.billing?.customerId ?? null, createdAt: user.createdAt };
}

/**
 * The owner confirms a deletion with the password (the session is already a recent sign-in). The
 * credential version read here is the guard the close transaction checks.
 */
export async function confirmWithPassword(tables: IdentityTablesForDataRights, hasher: PasswordHasher, user: UserRecord, password: string): Promise<{ version: number }> {
  const out = await documentClient.send(new GetCommand({ TableName: tables.accounts, Key: lockKey(user.email), ConsistentRead: true }));
  const credential = out.Item;
  if (!credential || credential.userId !== user.userId || typeof credential.passwordHash !== 'string') {
    await hasher.verifyDummy(password);
    throw new UnauthorizedError('invalid_credentials', 'The password is not right.');
  }
  const { ok } = await hasher.verify(credential.passwordHash, password);
  if (!ok) throw new UnauthorizedError('invalid_credentials', 'The password is not right.');
  return { version: Number(credential.credentialVersion ?? credential.version ?? 0) };
}

export function identityAccountCloser(tables: IdentityTablesForDataRights): AccountCloser {
  return {
    async close(subject, guard, ledgerWrite) {
      const { version } = guard as { version: number };
      const items: TransactItem[] = [
        {
          Delete: {
            TableName: tables.accounts,
            Key: lockKey(subject.email),
            // A credential never changed has no version attribute yet (version 0).
            ConditionExpression: version === 0 ? 'userId = :u AND (attribute_not_exists(credentialVersion) OR credentialVersion = :v)' : 'userId = :u AND credentialVersion = :v',
            ExpressionAttributeValues: { ':u': subject.userId, ':v': version },
          },
        },
        { Put: { TableName: tables.tokens, Item: { ...markKey(subject.userId), credentialVersion: CLOSED_ACCOUNT_VERSION, closed: true, personal: {} } } },
        {
          Update: {
            TableName: tables.accounts,
            Key: userKey(subject.userId),
            UpdateExpression: 'SET closedAt = :now',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':now': new Date().toISOString() },
          },
        },
        ledgerWrite as TransactItem,
      ];
      try {
        await documentClient.send(new TransactWriteCommand({ TransactItems: items }));
      } catch (error) {
        if (awsErrorName(error) === 'TransactionCanceledException') {
          throw new ConflictError('conflict', 'The account changed while it was being deleted (a new password, or a deletion already under way). Sign in again and retry.');
        }
        throw error;
      }
    },
  };
}

function tokenView(item: Record<string, unknown>) {
  return {
    id: item.tokenId,
    name: item.name,
    kind: item.kind === TOKEN_KINDS.session ? 'session' : 'personal',
    createdAt: item.createdAt,
    lastUsedAt: item.lastUsedAt ?? null,
    expiresAt: item.expiresAt,
    ...(item.userAgent !== undefined ? { userAgent: item.userAgent } : {}),
    ...(item.address !== undefined ? { address: item.address } : {}),
  };
}

export function identityDataRights(tables: IdentityTablesForDataRights): DataRightsPart {
  const partition = (table: string, userId: string) =>
    queryItems({ TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `USER#${userId}` }, ConsistentRead: true });
  return {
    name: 'identity',
    covers: {
      accounts: (item) => item.sk === 'PROFILE' || item.sk === 'LOCK' || item.sk === 'VERIFY' || item.sk === 'RESET',
      tokens: (item) => typeof item.sk === 'string' && (item.sk.startsWith('TOKEN#') || item.sk === 'REVOCATION'),
    },
    async export(subject) {
      const profile = (await documentClient.send(new GetCommand({ TableName: tables.accounts, Key: userKey(subject.userId), ConsistentRead: true }))).Item ?? {};
      const sessions: Array<ReturnType<typeof tokenView>> = [];
      const tokens: Array<ReturnType<typeof tokenView>> = [];
      const now = Date.now();
      for await (const item of partition(tables.tokens, subject.userId)) {
        if (typeof item.sk !== 'string' || !item.sk.startsWith('TOKEN#')) continue;
        if (typeof item.expiresAtMs === 'number' && item.expiresAtMs <= now) continue;
        (item.kind === TOKEN_KINDS.session ? sessions : tokens).push(tokenView(item));
      }
      return {
        account: {
          id: subject.userId,
          email: subject.email,
          name: profile.name ?? null,
          emailVerified: profile.emailVerified === true,
          createdAt: profile.createdAt ?? null,
          verifiedAt: profile.verifiedAt ?? null,
        },
        sessions,
        tokens,
      };
    },
    async erase(subject) {
      const tokenKeys: Array<Record<string, unknown>> = [];
      for await (const item of partition(tables.tokens, subject.userId)) if (item.sk !== 'REVOCATION') tokenKeys.push({ pk: item.pk, sk: item.sk });
      await batchWriteAll(tables.tokens, tokenKeys.map((Key) => ({ DeleteRequest: { Key } })));
      // Only now the mark: with a token left and no mark, the token would be valid again.
      await documentClient.send(new QueryCommand({ TableName: tables.tokens, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `USER#${subject.userId}` }, ConsistentRead: true, Limit: 2 }))
        .then(async (left) => {
          if ((left.Items ?? []).some((i) => i.sk !== 'REVOCATION')) throw new Error('tokens appeared while erasing; trying again');
          await batchWriteAll(tables.tokens, [{ DeleteRequest: { Key: markKey(subject.userId) } }]);
        });
      const accountKeys: Array<Record<string, unknown>> = [];
      for await (const item of partition(tables.accounts, subject.userId)) accountKeys.push({ pk: item.pk, sk: item.sk });
      await batchWriteAll(tables.accounts, accountKeys.map((Key) => ({ DeleteRequest: { Key } })));
    },
  };
}
