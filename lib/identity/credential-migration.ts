import { ScanCommand, TransactWriteCommand, type ScanCommandInput } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../platform/aws/dynamodb';
import { awsErrorName } from '../platform/aws/errors';
import { BadRequestError } from '../platform/errors';

/**
 * The one-off migration of accounts created before the credential item (the email lock
 * `EMAIL#<email>` / `LOCK`) held the password hash: the hash was on the user item
 * (`USER#<id>` / `PROFILE`), and the lock only made the address unique. Login reads the lock
 * alone (there is no fallback to the user item), so until migrated such an account cannot log in
 * and gets no reset mail: its address counts as unknown.
 *
 * One page of the accounts table per call (a Scan for user items that still carry
 * `passwordHash`), each legacy account in one transaction:
 *   - the lock gets `passwordHash` (and `credentialVersion` 0 unless it has one, and the user
 *     item's `emailVerified`), on condition that it belongs to this user and holds NO hash yet:
 *     a newer credential (a migration that already ran, a password set since) is never overwritten;
 *   - the user item loses its copy, on condition that it is still the hash copied.
 * A lock that already holds a hash for this user only has the user item's stale copy removed;
 * a missing lock, or one of another user, is left alone and reported.
 *
 * Idempotent (a migrated account no longer matches the scan), resumable (the answer carries the
 * cursor of the next page), and every write conditional.
 */
export type MigrationOutcome = 'migrated' | 'stale_copy_removed' | 'no_lock' | 'other_owner' | 'changed_meanwhile';

export interface MigrationPage {
  scanned: number;
  outcomes: Record<MigrationOutcome, number>;
  /** Accounts left alone (no lock, or a lock of another user): user ids only, never an address or hash. */
  leftAlone: Array<{ userId: string; outcome: MigrationOutcome }>;
  /** Where the next page starts; null when the table has been read to its end. */
  nextCursor: string | null;
}

const PROFILE = 'PROFILE';

export function encodeCursor(key: Record<string, unknown> | undefined): string | null {
  return key ? Buffer.from(JSON.stringify(key), 'utf8').toString('base64url') : null;
}

/** A cursor this migration handed out: the key of a user item (`USER#…` / `PROFILE`), or a 400. */
export function decodeCursor(cursor: string | undefined): Record<string, string> | undefined {
  if (cursor === undefined) return undefined;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (key && typeof key === 'object' && !Array.isArray(key)) {
      const { pk, sk, ...rest } = key as Record<string, unknown>;
      if (typeof pk === 'string' && typeof sk === 'string' && pk.length <= 1100 && sk.length <= 100 && Object.keys(rest).length === 0) return { pk, sk };
    }
  } catch {
    // fall through
  }
  throw new BadRequestError('invalid_cursor', '--from must be a cursor this command printed.');
}

function cancelled(error: unknown): Array<{ Code?: string; Item?: Record<string, unknown> }> | undefined {
  if (awsErrorName(error) !== 'TransactionCanceledException') return undefined;
  return (error as { CancellationReasons?: Array<{ Code?: string; Item?: Record<string, unknown> }> }).CancellationReasons ?? [];
}

/** A value as a cancellation reason carries it ({ S }, { BOOL }, …), or as is. */
function raw(value: unknown): unknown {
  if (value && typeof value === 'object') {
    const typed = value as { S?: string; N?: string; BOOL?: boolean };
    if (typed.S !== undefined) return typed.S;
    if (typed.N !== undefined) return Number(typed.N);
    if (typed.BOOL !== undefined) return typed.BOOL;
  }
  return value;
}

export function credentialMigration(accountsTable: string) {
  const lockKey = (email: string) => ({ pk: `EMAIL#${email}`, sk: 'LOCK' });
  const userKey = (userId: string) => ({ pk: `USER#${userId}`, sk: PROFILE });

  /** The user item's copy of the hash goes, only while it is still the hash moved or checked. */
  function removeUserCopy(userId: string, hash: string) {
    return {
      Update: {
        TableName: accountsTable,
        Key: userKey(userId),
        UpdateExpression: 'REMOVE passwordHash',
        ConditionExpression: 'passwordHash = :h',
        ExpressionAttributeValues: { ':h': hash },
      },
    };
  }

  async function removeStaleCopy(userId: string, email: string, hash: string): Promise<MigrationOutcome> {
    try {
      await documentClient.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              ConditionCheck: {
                TableName: accountsTable,
                Key: lockKey(email),
                ConditionExpression: 'userId = :u AND attribute_exists(passwordHash)',
                ExpressionAttributeValues: { ':u': userId },
              },
            },
            removeUserCopy(userId, hash),
          ],
        }),
      );
      return 'stale_copy_removed';
    } catch (error) {
      if (cancelled(error)) return 'changed_meanwhile';
      throw error;
    }
  }

  async function migrateOne(item: Record<string, unknown>): Promise<MigrationOutcome> {
    const userId = String(item.userId);
    const email = String(item.email);
    const hash = String(item.passwordHash);
    try {
      await documentClient.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: accountsTable,
                Key: lockKey(email),
                UpdateExpression: 'SET passwordHash = :h, credentialVersion = if_not_exists(credentialVersion, :zero), emailVerified = :v',
                // Never over a credential: only a lock of this user that holds no hash yet.
                ConditionExpression: 'attribute_exists(pk) AND userId = :u AND attribute_not_exists(passwordHash)',
                ExpressionAttributeValues: { ':h': hash, ':zero': 0, ':v': item.emailVerified === true, ':u': userId },
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
              },
            },
            removeUserCopy(userId, hash),
          ],
        }),
      );
      return 'migrated';
    } catch (error) {
      const reasons = cancelled(error);
      if (!reasons) throw error;
      if (reasons[0]?.Code !== 'ConditionalCheckFailed') return 'changed_meanwhile';
      const lock = reasons[0].Item;
      if (!lock) return 'no_lock';
      if (raw(lock.userId) !== userId) return 'other_owner';
      // The lock holds a credential already (migrated, or a password set since): keep it.
      return removeStaleCopy(userId, email, hash);
    }
  }

  return {
    /** One page: at most `pageSize` items of the table read, the legacy accounts among them migrated. */
    async migratePage(options: { from?: string; pageSize: number }): Promise<MigrationPage> {
      const input: ScanCommandInput = {
        TableName: accountsTable,
        // Only what the migration needs: never names or billing.
        ProjectionExpression: 'pk, sk, userId, email, passwordHash, emailVerified',
        FilterExpression: 'sk = :profile AND attribute_exists(passwordHash)',
        ExpressionAttributeValues: { ':profile': PROFILE },
        ExclusiveStartKey: decodeCursor(options.from),
        Limit: options.pageSize,
        ConsistentRead: true,
      };
      const res = await documentClient.send(new ScanCommand(input));
      const outcomes: Record<MigrationOutcome, number> = { migrated: 0, stale_copy_removed: 0, no_lock: 0, other_owner: 0, changed_meanwhile: 0 };
      const leftAlone: MigrationPage['leftAlone'] = [];
      for (const item of res.Items ?? []) {
        if (typeof item.email !== 'string' || typeof item.userId !== 'string' || typeof item.passwordHash !== 'string') continue;
        const outcome = await migrateOne(item);
        outcomes[outcome] += 1;
        if (outcome === 'no_lock' || outcome === 'other_owner') leftAlone.push({ userId: item.userId, outcome });
      }
      return { scanned: res.ScannedCount ?? 0, outcomes, leftAlone, nextCursor: encodeCursor(res.LastEvaluatedKey) };
    },
  };
}
