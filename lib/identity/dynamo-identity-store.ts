import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type BatchGetCommandInput,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { batchGetAll, batchWriteAll, documentClient } from '../platform/aws/dynamodb';
import { awsErrorName } from '../platform/aws/errors';
import { ServiceUnavailableError } from '../platform/errors';
import { retry, TryAgainError, type RetryPolicy } from '../platform/retry';
import { cancellationReasons, classifyWriteFailure, isConditionFailure, reasonsByName } from './write-failures';
import type { Credential, ExtraWrites, IdentityStore, IssueGuard, OneTimeTokenRecord, RevocationMark, TokenRecord, UserRecord } from './model';

/**
 * The identity data in DynamoDB.
 *
 * accounts table
 *   USER#<userId>  / PROFILE   the user item (shape shared with billing and ops; no password hash)
 *   EMAIL#<email>  / LOCK      the credential: { userId, email, passwordHash, credentialVersion,
 *                              emailVerified, pendingUntilMs?, verifyMailMs?, ttl? }. It makes the
 *                              normalised email unique and is the one item a login reads.
 *                              Pending only: pendingSignups (signup id → ms), signupId (whose hash it is).
 *   VERIFY#<sha256> / VERIFY   { userId, email, credentialVersion, expiresAtMs, ttl, signupId, passwordHash, name? }:
 *                              a verification token's digest and the signup it was mailed for
 *   EMAIL#<email>  / UNLOCK    { digest, userId, expiresAtMs, ttl }: the address's one unlock code (issue 21 §3)
 *   RESET#<sha256>  / RESET    { userId, email, credentialVersion, expiresAtMs, ttl }: a reset token's digest
 * tokens table
 *   USER#<userId>  / TOKEN#<tokenId>  a bearer token (digest, kind, name, credentialVersion, times, ttl)
 *   USER#<userId>  / REVOCATION       { credentialVersion, exceptTokenId, issued, personal }: the revocation mark
 *                                     (personal: token id → expiresAtMs of the personal tokens issued under it),
 *                                     written by verification and in the same transaction as
 *                                     every version change of a verified account
 *
 * Bearer tokens sit in their user's partition: the token and the mark are read together in one
 * strongly consistent BatchGetItem, a token listing is one Query, and a DELETE of another user's
 * token id finds nothing under the caller's key.
 */
export interface IdentityTables {
  accounts: string;
  tokens: string;
}

const DAY_SECONDS = 86_400;

/**
 * The one TTL rule of the accounts and tokens tables: an item is removed a day after it stops
 * mattering (DynamoDB TTL is late anyway, and every read checks the times itself).
 */
export function ttlAfter(untilMs: number): number {
  return Math.ceil(untilMs / 1000) + DAY_SECONDS;
}

const userKey = (userId: string) => ({ pk: `USER#${userId}`, sk: 'PROFILE' });
const lockKey = (email: string) => ({ pk: `EMAIL#${email}`, sk: 'LOCK' });
const oneTimeKey = (purpose: OneTimeTokenRecord['purpose'], digest: string) =>
  purpose === 'verify' ? { pk: `VERIFY#${digest}`, sk: 'VERIFY' } : { pk: `RESET#${digest}`, sk: 'RESET' };
const tokenKey = (userId: string, tokenId: string) => ({ pk: `USER#${userId}`, sk: `TOKEN#${tokenId}` });
const markKey = (userId: string) => ({ pk: `USER#${userId}`, sk: 'REVOCATION' });
const unlockKey = (email: string) => ({ pk: `EMAIL#${email}`, sk: 'UNLOCK' });


function toUser(item: Record<string, unknown> | undefined): UserRecord | undefined {
  if (!item) return undefined;
  return {
    userId: String(item.userId),
    email: String(item.email),
    name: (item.name as string | null | undefined) ?? null,
    emailVerified: item.emailVerified === true,
    createdAt: String(item.createdAt),
    verifiedAt: item.verifiedAt as string | undefined,
    billing: item.billing as UserRecord['billing'],
  };
}

function toToken(item: Record<string, unknown>): TokenRecord {
  return {
    userId: String(item.userId),
    tokenId: String(item.tokenId),
    kind: item.kind as TokenRecord['kind'],
    name: String(item.name),
    digest: String(item.digest),
    credentialVersion: Number(item.credentialVersion ?? 0),
    createdAt: String(item.createdAt),
    createdAtMs: Number(item.createdAtMs),
    lastUsedAt: (item.lastUsedAt as string | null | undefined) ?? null,
    lastUsedAtMs: item.lastUsedAtMs === undefined || item.lastUsedAtMs === null ? null : Number(item.lastUsedAtMs),
    expiresAt: String(item.expiresAt),
    expiresAtMs: Number(item.expiresAtMs),
    ...(typeof item.userAgent === 'string' ? { userAgent: item.userAgent } : {}),
    ...(typeof item.ipAddress === 'string' ? { ipAddress: item.ipAddress } : {}),
    ...(typeof item.confirmedAtMs === 'number' ? { confirmedAtMs: item.confirmedAtMs } : {}),
  };
}

function toMark(item: Record<string, unknown> | undefined): RevocationMark | undefined {
  if (!item) return undefined;
  return {
    credentialVersion: Number(item.credentialVersion ?? 0),
    exceptTokenId: item.exceptTokenId as string | undefined,
    validAfterMs: item.validAfterMs === undefined ? undefined : Number(item.validAfterMs),
    issued: item.issued === undefined ? undefined : Number(item.issued),
    personal: item.personal && typeof item.personal === 'object' ? Object.fromEntries(Object.entries(item.personal as Record<string, unknown>).map(([id, ms]) => [id, Number(ms)])) : undefined,
  };
}

function toCredential(item: Record<string, unknown> | undefined): Credential | undefined {
  if (!item || typeof item.passwordHash !== 'string') return undefined;
  return {
    userId: String(item.userId),
    email: String(item.email),
    passwordHash: item.passwordHash,
    version: Number(item.credentialVersion ?? 0),
    emailVerified: item.emailVerified === true,
    pendingUntilMs: item.pendingUntilMs === undefined ? undefined : Number(item.pendingUntilMs),
    verifyMailMs: item.verifyMailMs === undefined ? undefined : Number(item.verifyMailMs),
    sessionSeq: item.sessionSeq === undefined ? undefined : Number(item.sessionSeq),
    sessionIds: item.sessionIds && typeof item.sessionIds === 'object' ? (item.sessionIds as Record<string, string>) : undefined,
    pendingSignups:
      item.pendingSignups && typeof item.pendingSignups === 'object'
        ? Object.fromEntries(Object.entries(item.pendingSignups as Record<string, unknown>).map(([id, ms]) => [id, Number(ms)]))
        : undefined,
    signupId: typeof item.signupId === 'string' ? item.signupId : undefined,
    ...(item.totp === true ? { totp: true } : {}),
  };
}

/**
 * An item as a cancellation reason carries it (DynamoDB's typed form: { S }, { N }, { BOOL },
 * { NULL }, { M }); the types the credential item holds (its maps: the session ring, the pending
 * signups).
 */
function plainItem(item: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!item) return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(item)) {
    const typed = value as { S?: string; N?: string; BOOL?: boolean; NULL?: boolean; M?: Record<string, unknown> };
    if (typed === null || typeof typed !== 'object') out[key] = value;
    else if (typed.S !== undefined) out[key] = typed.S;
    else if (typed.N !== undefined) out[key] = Number(typed.N);
    else if (typed.BOOL !== undefined) out[key] = typed.BOOL;
    else if (typed.NULL) out[key] = null;
    else if (typed.M !== undefined) out[key] = plainItem(typed.M);
  }
  return out;
}

function toOneTime(purpose: OneTimeTokenRecord['purpose'], digest: string, item: Record<string, unknown> | undefined): OneTimeTokenRecord | undefined {
  if (!item || typeof item.email !== 'string') return undefined;
  const signup =
    typeof item.signupId === 'string' && typeof item.passwordHash === 'string'
      ? { id: item.signupId, passwordHash: item.passwordHash, ...('name' in item ? { name: (item.name as string | null) ?? null } : {}) }
      : undefined;
  return { purpose, digest, userId: String(item.userId), email: item.email, credentialVersion: Number(item.credentialVersion ?? 0), expiresAtMs: Number(item.expiresAtMs), ...(signup ? { signup } : {}) };
}

/** The condition "the credential version is still `version`" (a credential written before versions counts as 0). */
function versionIs(version: number): string {
  return version === 0 ? '(attribute_not_exists(credentialVersion) OR credentialVersion = :cv)' : 'credentialVersion = :cv';
}

function oneTimeItem(token: OneTimeTokenRecord) {
  return {
    ...oneTimeKey(token.purpose, token.digest),
    userId: token.userId,
    email: token.email,
    credentialVersion: token.credentialVersion,
    expiresAtMs: token.expiresAtMs,
    ttl: ttlAfter(token.expiresAtMs),
    ...(token.signup ? { signupId: token.signup.id, passwordHash: token.signup.passwordHash, ...(token.signup.name !== undefined ? { name: token.signup.name } : {}) } : {}),
  };
}

/**
 * Transactions cancelled by another transaction on the same item (TransactionConflict, real
 * DynamoDB; moto never answers it) run again: up to 5 runs, each wait at least 10 ms plus a random
 * part of up to 40, 80, 160 ms (the hand-written loops' timing: retrying at once against an item
 * whose transaction is still in flight only conflicts again). What kept 50 signups of one address
 * from running out of attempts was not this timing but reading the lock after a conflict (see
 * createUser): test/integration/reliability/races.test.ts plays DynamoDB's conflicts.
 */
export const CONFLICT_RETRY: RetryPolicy = { attempts: 5, minDelayMs: 10, baseDelayMs: 40, maxDelayMs: 160 };

/** The items of createUser's transaction, in order: its cancellation reasons are read by these names. */
const CREATE_USER_ITEMS = ['user', 'lock', 'verification'] as const;

export function dynamoIdentityStore(tables: IdentityTables): IdentityStore {
  const find = (items: Record<string, unknown>[] | undefined, key: { pk: string; sk: string }) =>
    items?.find((i) => i.pk === key.pk && i.sk === key.sk);

  /**
   * One transaction; false when a condition failed. Write conflicts (TransactionConflict, real
   * DynamoDB) are retried; still cancelled by conflicts after every run, the write did not happen
   * and the answer is false, as for a failed condition (another transaction on these items won).
   */
  async function transact(input: TransactWriteCommandInput): Promise<boolean> {
    try {
      return await retry(async () => {
        try {
          await documentClient.send(new TransactWriteCommand(input));
          return true;
        } catch (error) {
          const kind = classifyWriteFailure(error);
          if (kind === 'conflict') throw new TryAgainError(error);
          if (kind === 'condition') return false;
          // A throttled transaction did not run: not "changed meanwhile" but a 503 (issue 21 §5).
          if (kind === 'throttled') throw new ServiceUnavailableError(undefined, { cause: error });
          throw error;
        }
      }, { ...CONFLICT_RETRY, attempts: 4 });
    } catch (error) {
      // Still cancelled by conflicts after every run: another transaction on these items won.
      if (classifyWriteFailure(error) === 'conflict') return false;
      throw error;
    }
  }

  /**
   * The credential update of every version change (a new pending password, a reset, a change,
   * revoke-all): SET `set` and the next version, only while the version and the owner are still
   * the ones read (optimistic concurrency), plus `also` conditions.
   */
  function moveCredential(
    current: { email: string; version: number; userId: string },
    change: { set?: string; remove?: string; also?: string; values?: Record<string, unknown>; names?: Record<string, string> },
  ) {
    return {
      Update: {
        TableName: tables.accounts,
        Key: lockKey(current.email),
        UpdateExpression: `SET ${change.set ? `${change.set}, ` : ''}credentialVersion = :next${change.remove ? ` REMOVE ${change.remove}` : ''}`,
        ConditionExpression: `${versionIs(current.version)} AND userId = :u${change.also ? ` AND ${change.also}` : ''}`,
        ExpressionAttributeNames: change.names,
        ExpressionAttributeValues: { ...change.values, ':next': current.version + 1, ':cv': current.version, ':u': current.userId },
      },
    };
  }

  /**
   * A login session's credential write: the version check, the ring's next position and this
   * session's token id in its slot (and a stronger hash of the same password, when due), on
   * condition that nobody took the position meanwhile. Concurrent logins of one user are so put in
   * a line: they cannot evict the same slot's session together and leave one more alive.
   */
  function sessionRingUpdate(token: TokenRecord, guard: Extract<IssueGuard, { by: 'credential' }>, session: { seq: number; slot: number }) {
    const sets = ['sessionSeq = :seqNext', session.seq === 0 ? 'sessionIds = :ring' : 'sessionIds.#slot = :tid'];
    const values: Record<string, unknown> = { ':cv': guard.version, ':u': token.userId, ':seqNext': session.seq + 1 };
    if (session.seq === 0) values[':ring'] = { [String(session.slot)]: token.tokenId };
    else values[':tid'] = token.tokenId;
    let condition = `${versionIs(guard.version)} AND userId = :u AND ${session.seq === 0 ? 'attribute_not_exists(sessionSeq)' : 'sessionSeq = :seq'}`;
    if (session.seq !== 0) values[':seq'] = session.seq;
    if (guard.rehash) {
      sets.push('passwordHash = :h');
      condition += ' AND passwordHash = :old';
      values[':h'] = guard.rehash.to;
      values[':old'] = guard.rehash.from;
    }
    return {
      Update: {
        TableName: tables.accounts,
        Key: lockKey(guard.email),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: condition,
        ExpressionAttributeNames: session.seq === 0 ? undefined : { '#slot': String(session.slot) },
        ExpressionAttributeValues: values,
      },
    };
  }

  /**
   * The mark rewritten with a new version: every token issued under an older one is revoked, so
   * the personal-token map starts empty, except when the spared caller is a personal token (its
   * entry is not known here): then the map is left absent and the next creation rebuilds it.
   */
  const markPut = (userId: string, version: number, exceptTokenId?: string, sparesPersonal = false) => ({
    Put: { TableName: tables.tokens, Item: { ...markKey(userId), credentialVersion: version, exceptTokenId, ...(sparesPersonal ? {} : { personal: {} }) } },
  });

  /**
   * A personal token's write on the mark: `ADD issued 1` under the cap's bound, and the token's
   * entry in the `personal` map (set alone, or the whole map replaced by a rebuild), expired
   * entries pruned. Creations racing for the last places cannot pass the cap together.
   */
  function markGuard(token: TokenRecord, guard: Extract<IssueGuard, { by: 'mark' }>) {
    const values: Record<string, unknown> = { ':cv': guard.version, ':one': 1 };
    const names: Record<string, string> = {};
    let update: string;
    let condition: string;
    if ('personal' in guard) {
      // A rebuild from a Query: only if no personal token was created since the Query began.
      values[':map'] = { ...guard.personal, [token.tokenId]: token.expiresAtMs };
      update = 'ADD issued :one SET personal = :map';
      if (guard.issuedIs === null) condition = 'attribute_not_exists(issued)';
      else {
        condition = 'issued = :was';
        values[':was'] = guard.issuedIs;
      }
    } else {
      names['#new'] = token.tokenId;
      values[':exp'] = token.expiresAtMs;
      values[':below'] = guard.issuedBelow;
      update = 'ADD issued :one SET personal.#new = :exp';
      const prune = (guard.prune ?? []).filter((id) => id !== token.tokenId);
      prune.forEach((id, i) => (names[`#p${i}`] = id));
      if (prune.length > 0) update += ` REMOVE ${prune.map((_, i) => `personal.#p${i}`).join(', ')}`;
      condition = 'attribute_exists(personal) AND (attribute_not_exists(issued) OR issued < :below)';
    }
    return {
      Update: {
        TableName: tables.tokens,
        Key: markKey(token.userId),
        UpdateExpression: update,
        ConditionExpression: `${versionIs(guard.version)} AND ${condition}`,
        ExpressionAttributeNames: Object.keys(names).length > 0 ? names : undefined,
        ExpressionAttributeValues: values,
      },
    };
  }

  const pendingTtl = ttlAfter;

  return {
    async findCredential(email, also) {
      if (!also) {
        const res = await documentClient.send(new GetCommand({ TableName: tables.accounts, Key: lockKey(email), ConsistentRead: true }));
        return { credential: toCredential(res.Item), also: [] };
      }
      const got = await batchGetAll({
        [tables.accounts]: { Keys: [lockKey(email)], ConsistentRead: true },
        [also.table]: { Keys: also.keys, ConsistentRead: true },
      });
      return { credential: toCredential(find(got[tables.accounts], lockKey(email))), also: got[also.table] ?? [] };
    },

    async createUser(user, credential, verification) {
      const input: TransactWriteCommandInput = {
        TransactItems: [
          {
            Put: {
              TableName: tables.accounts,
              Item: { ...userKey(user.userId), ...user, ...(credential.pendingUntilMs ? { ttl: pendingTtl(credential.pendingUntilMs) } : {}) },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          // The lock is what makes 50 concurrent signups of one address create one account.
          {
            Put: {
              TableName: tables.accounts,
              Item: {
                ...lockKey(user.email),
                userId: credential.userId,
                email: credential.email,
                passwordHash: credential.passwordHash,
                credentialVersion: credential.version,
                emailVerified: credential.emailVerified,
                pendingUntilMs: credential.pendingUntilMs,
                verifyMailMs: credential.verifyMailMs,
                pendingSignups: credential.pendingSignups,
                signupId: credential.signupId,
                ...(credential.pendingUntilMs ? { ttl: pendingTtl(credential.pendingUntilMs) } : {}),
              },
              ConditionExpression: 'attribute_not_exists(pk)',
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            },
          },
          { Put: { TableName: tables.accounts, Item: oneTimeItem(verification), ConditionExpression: 'attribute_not_exists(pk)' } },
        ],
      };
      // Concurrent transactions on one lock can be cancelled with TransactionConflict rather than a
      // failed condition: try again, and the loser then sees the lock taken.
      return retry(
        async () => {
          try {
            await documentClient.send(new TransactWriteCommand(input));
            return { outcome: 'created' as const };
          } catch (error) {
            if (awsErrorName(error) !== 'TransactionCanceledException') throw error;
            if (classifyWriteFailure(error) === 'throttled') throw new ServiceUnavailableError(undefined, { cause: error });
            const reasons = reasonsByName(error, CREATE_USER_ITEMS);
            if (reasons.lock?.code === 'ConditionalCheckFailed') {
              return { outcome: 'email_taken' as const, existing: toCredential(plainItem(reasons.lock.item)) };
            }
            const codes = cancellationReasons(error).map((r) => r.code);
            if (codes.every((c) => c === 'None' || c === 'TransactionConflict')) {
              // Cancelled by another transaction on these items (almost always another signup of
              // this address), or no reasons given (some emulators): decide by reading the lock.
              // Once the other signup has committed, the lock is there and this one is done; only
              // while it is still in flight does the transaction run again.
              const lock = await documentClient.send(new GetCommand({ TableName: tables.accounts, Key: lockKey(user.email), ConsistentRead: true }));
              if (lock.Item) return { outcome: 'email_taken' as const, existing: toCredential(lock.Item) };
              throw new TryAgainError(error);
            }
            throw error;
          }
        },
        { ...CONFLICT_RETRY, exhausted: (last) => new ServiceUnavailableError(undefined, { cause: last }) },
      );
    },

    addPendingSignup(current, verification, drop, pendingUntilMs, nowMs) {
      const signup = verification.signup;
      const hasMap = current.pendingSignups !== undefined;
      const names: Record<string, string> = { '#ttl': 'ttl', '#new': signup.id };
      drop.forEach((id, i) => (names[`#d${i}`] = id));
      // A lock pending since before signups were bound has no map: it starts one (the links it
      // mailed carry no signup and no longer verify).
      const sets = ['passwordHash = :h', 'signupId = :sid', hasMap ? 'pendingSignups.#new = :now' : 'pendingSignups = :map', 'pendingUntilMs = :until', 'verifyMailMs = :now', '#ttl = :ttl'];
      if (!hasMap) delete names['#new'];
      const removes = hasMap ? drop.map((_, i) => `pendingSignups.#d${i}`) : [];
      if (!hasMap) drop.forEach((_, i) => delete names[`#d${i}`]);
      return transact({
        TransactItems: [
          {
            // Still pending and live, owned as read; the version does not move (earlier links live on).
            Update: {
              TableName: tables.accounts,
              Key: lockKey(current.email),
              UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
              ConditionExpression: `${versionIs(current.version)} AND userId = :u AND emailVerified = :f AND pendingUntilMs > :now AND ${hasMap ? 'attribute_exists(pendingSignups)' : 'attribute_not_exists(pendingSignups)'}`,
              ExpressionAttributeNames: names,
              ExpressionAttributeValues: {
                ':h': signup.passwordHash,
                ':sid': signup.id,
                ':now': nowMs,
                ':until': pendingUntilMs,
                ':ttl': pendingTtl(pendingUntilMs),
                ':cv': current.version,
                ':u': current.userId,
                ':f': false,
                ...(hasMap ? {} : { ':map': { [signup.id]: nowMs } }),
              },
            },
          },
          {
            // The user item lives as long as the lock.
            Update: {
              TableName: tables.accounts,
              Key: userKey(current.userId),
              UpdateExpression: 'SET #ttl = :ttl',
              ConditionExpression: 'attribute_exists(pk) AND emailVerified = :f',
              ExpressionAttributeNames: { '#ttl': 'ttl' },
              ExpressionAttributeValues: { ':ttl': pendingTtl(pendingUntilMs), ':f': false },
            },
          },
          { Put: { TableName: tables.accounts, Item: oneTimeItem(verification), ConditionExpression: 'attribute_not_exists(pk)' } },
        ],
      });
    },

    restartPending(current, verification, pendingUntilMs, nowMs) {
      const next = current.version + 1;
      return transact({
        TransactItems: [
          moveCredential(current, {
            set: 'passwordHash = :h, signupId = :sid, pendingSignups = :map, pendingUntilMs = :until, verifyMailMs = :now, #ttl = :ttl',
            also: 'emailVerified = :f',
            names: { '#ttl': 'ttl' },
            values: {
              ':h': verification.signup.passwordHash,
              ':sid': verification.signup.id,
              ':map': { [verification.signup.id]: nowMs },
              ':until': pendingUntilMs,
              ':now': nowMs,
              ':ttl': pendingTtl(pendingUntilMs),
              ':f': false,
            },
          }),
          {
            // The pending account starts over: its name is the new signup's, its clock restarts.
            Update: {
              TableName: tables.accounts,
              Key: userKey(current.userId),
              UpdateExpression: 'SET userId = :u, email = :e, #name = :name, emailVerified = :f, createdAt = :at, #ttl = :ttl',
              ExpressionAttributeNames: { '#name': 'name', '#ttl': 'ttl' },
              ExpressionAttributeValues: {
                ':u': current.userId,
                ':e': current.email,
                ':name': verification.signup.name ?? null,
                ':f': false,
                ':at': new Date(nowMs).toISOString(),
                ':ttl': pendingTtl(pendingUntilMs),
              },
            },
          },
          // No mark here: a pending account has no bearer tokens. Verification writes the mark.
          { Put: { TableName: tables.accounts, Item: oneTimeItem({ ...verification, credentialVersion: next }), ConditionExpression: 'attribute_not_exists(pk)' } },
        ],
      });
    },

    putFreshVerification(current, verification, nowMs, extra) {
      return transact({
        TransactItems: [
          {
            Update: {
              TableName: tables.accounts,
              Key: lockKey(current.email),
              // For the signup whose password the login proved (the lock's `passwordHash`, which
              // must still be that signup's); a lock pending since before signups were bound
              // starts its map with it.
              UpdateExpression: current.signupId ? 'SET verifyMailMs = :now' : 'SET verifyMailMs = :now, signupId = :sid, pendingSignups = :map',
              ConditionExpression: `${versionIs(current.version)} AND emailVerified = :f AND passwordHash = :h AND ${current.verifyMailMs === undefined ? 'attribute_not_exists(verifyMailMs)' : 'verifyMailMs = :last'} AND ${
                current.signupId ? 'signupId = :sid AND attribute_exists(pendingSignups.#sid)' : 'attribute_not_exists(signupId)'
              }`,
              ExpressionAttributeNames: current.signupId ? { '#sid': current.signupId } : undefined,
              ExpressionAttributeValues: {
                ':now': nowMs,
                ':cv': current.version,
                ':f': false,
                ':h': verification.signup.passwordHash,
                ':sid': verification.signup.id,
                ...(current.signupId ? {} : { ':map': { [verification.signup.id]: nowMs } }),
                ...(current.verifyMailMs === undefined ? {} : { ':last': current.verifyMailMs }),
              },
            },
          },
          { Put: { TableName: tables.accounts, Item: oneTimeItem(verification), ConditionExpression: 'attribute_not_exists(pk)' } },
          ...(extra as NonNullable<TransactWriteCommandInput['TransactItems']>),
        ],
      });
    },

    async applyWrites(extra) {
      if (extra.length === 0) return true;
      return transact({ TransactItems: [...(extra as NonNullable<TransactWriteCommandInput['TransactItems']>)] });
    },

    async getUser(userId) {
      const res = await documentClient.send(new GetCommand({ TableName: tables.accounts, Key: userKey(userId), ConsistentRead: true }));
      return toUser(res.Item);
    },

    async putOneTimeToken(token) {
      await documentClient.send(new PutCommand({ TableName: tables.accounts, Item: oneTimeItem(token), ConditionExpression: 'attribute_not_exists(pk)' }));
    },

    async putUnlockCode(email, digest, expiresAtMs, userId) {
      const item = { ...unlockKey(email), digest, userId: userId ?? `usr_${'0'.repeat(22)}`, expiresAtMs, ttl: ttlAfter(expiresAtMs) };
      try {
        // A registered address: only while its lock is there (the item sits beside it). An
        // unregistered one: the same request, refused (nothing stored).
        await documentClient.send(new PutCommand({ TableName: tables.accounts, Item: item, ConditionExpression: userId ? 'attribute_not_exists(pk) OR userId = :u' : 'attribute_exists(pk) AND userId = :none', ExpressionAttributeValues: { ':u': userId ?? '', ...(userId ? {} : { ':none': '-' }) } }));
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    },

    async consumeUnlockCode(email, digest, nowMs) {
      try {
        await documentClient.send(
          new DeleteCommand({
            TableName: tables.accounts,
            Key: unlockKey(email),
            ConditionExpression: 'attribute_exists(pk) AND digest = :d AND expiresAtMs > :now',
            ExpressionAttributeValues: { ':d': digest, ':now': nowMs },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },

    async putNothing(purpose, digest) {
      // An item of the same size as a token's, under a fresh digest's key, on condition that the
      // key already holds an item (it never does): refused, nothing stored.
      const item = oneTimeItem({ purpose, digest, userId: `usr_${'0'.repeat(22)}`, email: 'nobody@invalid', credentialVersion: 0, expiresAtMs: 0 });
      try {
        await documentClient.send(new PutCommand({ TableName: tables.accounts, Item: item, ConditionExpression: 'attribute_exists(pk)' }));
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    },

    async peekVerification(userId, digest, nowMs) {
      const got = await documentClient.send(new GetCommand({ TableName: tables.accounts, Key: oneTimeKey('verify', digest), ConsistentRead: true }));
      const token = toOneTime('verify', digest, got.Item);
      if (!token || token.userId !== userId || token.expiresAtMs <= nowMs) return undefined;
      return token;
    },

    consumeVerification(token, nowMs, verifiedAt, extra = []) {
      const { userId, signup } = token;
      const next = token.credentialVersion + 1;
      const named = signup.name !== undefined;
      return transact({
        TransactItems: [
          {
            // Deleting the digest is what makes the token single-use: a second use finds nothing.
            Delete: {
              TableName: tables.accounts,
              Key: oneTimeKey('verify', token.digest),
              ConditionExpression: 'attribute_exists(pk) AND userId = :u AND expiresAtMs > :now',
              ExpressionAttributeValues: { ':u': userId, ':now': nowMs },
            },
          },
          // Only while this token's signup is still pending (not dropped, no other signup verified,
          // not expired): the account takes that signup's password, the version moves on, and
          // every other pending signup ends with the map.
          moveCredential(
            { email: token.email, version: token.credentialVersion, userId },
            {
              set: 'passwordHash = :h, emailVerified = :t',
              remove: 'pendingUntilMs, #ttl, pendingSignups, signupId',
              also: 'emailVerified = :f AND attribute_exists(pendingSignups.#sid) AND pendingUntilMs > :now',
              names: { '#ttl': 'ttl', '#sid': signup.id },
              values: { ':h': signup.passwordHash, ':t': true, ':f': false, ':now': nowMs },
            },
          ),
          {
            Update: {
              TableName: tables.accounts,
              Key: userKey(userId),
              UpdateExpression: `SET emailVerified = :t, verifiedAt = if_not_exists(verifiedAt, :at)${named ? ', #name = :name' : ''} REMOVE #ttl`,
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeNames: { '#ttl': 'ttl', ...(named ? { '#name': 'name' } : {}) },
              ExpressionAttributeValues: { ':t': true, ':at': verifiedAt, ...(named ? { ':name': signup.name } : {}) },
            },
          },
          // The mark starts equal to the version the account is verified under (a pending
          // account's version moves without one: it has no bearer tokens to revoke).
          { Update: { TableName: tables.tokens, Key: markKey(userId), UpdateExpression: 'SET credentialVersion = :cv', ExpressionAttributeValues: { ':cv': next } } },
          ...(extra as NonNullable<TransactWriteCommandInput['TransactItems']>),
        ],
      });
    },

    async peekReset(userId, digest, nowMs) {
      const got = await documentClient.send(new GetCommand({ TableName: tables.accounts, Key: oneTimeKey('reset', digest), ConsistentRead: true }));
      const reset = toOneTime('reset', digest, got.Item);
      if (!reset || reset.userId !== userId || reset.expiresAtMs <= nowMs) return undefined;
      return reset;
    },

    consumeReset(reset, nowMs, newHash, nowIso) {
      const next = reset.credentialVersion + 1;
      return transact({
        TransactItems: [
          {
            Delete: {
              TableName: tables.accounts,
              Key: oneTimeKey('reset', reset.digest),
              ConditionExpression: 'attribute_exists(pk) AND userId = :u AND expiresAtMs > :now',
              ExpressionAttributeValues: { ':u': reset.userId, ':now': nowMs },
            },
          },
          // Only while the credential is the one the token was mailed under: a reset or change
          // since then (including a reset with a second token) ends this token.
          // Following a mailed link proves the address, so a reset also verifies it.
          moveCredential(
            { email: reset.email, version: reset.credentialVersion, userId: reset.userId },
            // The address's pending signups end with it, as with a verification.
            { set: 'passwordHash = :h, emailVerified = :t', remove: 'pendingUntilMs, #ttl, pendingSignups, signupId', names: { '#ttl': 'ttl' }, values: { ':h': newHash, ':t': true } },
          ),
          {
            Update: {
              TableName: tables.accounts,
              Key: userKey(reset.userId),
              UpdateExpression: 'SET emailVerified = :t, verifiedAt = if_not_exists(verifiedAt, :at) REMOVE #ttl',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeNames: { '#ttl': 'ttl' },
              ExpressionAttributeValues: { ':t': true, ':at': nowIso },
            },
          },
          markPut(reset.userId, next),
        ],
      });
    },

    changePassword(current, newHash, exceptTokenId, extra = [], sparesPersonal = false) {
      return transact({
        TransactItems: [
          moveCredential(current, { set: 'passwordHash = :h', also: 'passwordHash = :old', values: { ':h': newHash, ':old': current.passwordHash } }),
          markPut(current.userId, current.version + 1, exceptTokenId, sparesPersonal),
          ...(extra as NonNullable<TransactWriteCommandInput['TransactItems']>),
        ],
      });
    },

    bumpVersion(userId, email, version) {
      return transact({ TransactItems: [moveCredential({ email, version, userId }, {}), markPut(userId, version + 1)] });
    },

    putToken(token, guard, extra = []) {
      // last-used is absent until the first use, so touchToken's condition can test for it.
      const { lastUsedAt: _at, lastUsedAtMs: _ms, ...fields } = token;
      const guardItem: NonNullable<TransactWriteCommandInput['TransactItems']>[number] =
        guard.by === 'mark'
          ? markGuard(token, guard)
          : guard.session
            ? sessionRingUpdate(token, guard, guard.session)
            : guard.rehash
              ? {
                  // A stronger hash of the same password: the version does not move.
                  Update: {
                    TableName: tables.accounts,
                    Key: lockKey(guard.email),
                    UpdateExpression: 'SET passwordHash = :h',
                    ConditionExpression: `${versionIs(guard.version)} AND passwordHash = :old AND userId = :u`,
                    ExpressionAttributeValues: { ':h': guard.rehash.to, ':old': guard.rehash.from, ':cv': guard.version, ':u': token.userId },
                  },
                }
              : {
                  ConditionCheck: {
                    TableName: tables.accounts,
                    Key: lockKey(guard.email),
                    ConditionExpression: `${versionIs(guard.version)} AND userId = :u`,
                    ExpressionAttributeValues: { ':cv': guard.version, ':u': token.userId },
                  },
                };
      // The session issued in this ring slot MAX_SESSIONS logins ago goes in the same transaction.
      const evict = guard.by === 'credential' && guard.session?.evict && guard.session.evict !== token.tokenId ? guard.session.evict : undefined;
      return transact({
        TransactItems: [
          {
            Put: {
              TableName: tables.tokens,
              Item: { ...tokenKey(token.userId, token.tokenId), ...fields, ttl: ttlAfter(token.expiresAtMs) },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          guardItem,
          ...(evict ? [{ Delete: { TableName: tables.tokens, Key: tokenKey(token.userId, evict) } }] : []),
          ...(extra as NonNullable<TransactWriteCommandInput['TransactItems']>),
        ],
      });
    },

    async loadForAuthentication(userId, tokenId, withUser) {
      const request: NonNullable<BatchGetCommandInput['RequestItems']> = {
        [tables.tokens]: { Keys: [tokenKey(userId, tokenId), markKey(userId)], ConsistentRead: true },
      };
      if (withUser) request[tables.accounts] = { Keys: [userKey(userId)], ConsistentRead: true };
      const got = await batchGetAll(request);
      const tokenItem = find(got[tables.tokens], tokenKey(userId, tokenId));
      return {
        token: tokenItem ? toToken(tokenItem) : undefined,
        mark: toMark(find(got[tables.tokens], markKey(userId))),
        user: withUser ? toUser(find(got[tables.accounts], userKey(userId))) : undefined,
      };
    },

    async touchToken(userId, tokenId, nowMs, nowIso, staleBeforeMs) {
      try {
        await documentClient.send(
          new UpdateCommand({
            TableName: tables.tokens,
            Key: tokenKey(userId, tokenId),
            UpdateExpression: 'SET lastUsedAt = :iso, lastUsedAtMs = :now',
            // attribute_exists: a token deleted meanwhile must not come back as a stub.
            ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(lastUsedAtMs) OR lastUsedAtMs <= :stale)',
            ExpressionAttributeValues: { ':iso': nowIso, ':now': nowMs, ':stale': staleBeforeMs },
          }),
        );
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    },

    async deleteToken(userId, tokenId, digest) {
      try {
        await documentClient.send(
          new DeleteCommand({
            TableName: tables.tokens,
            Key: tokenKey(userId, tokenId),
            ConditionExpression: digest ? 'attribute_exists(pk) AND digest = :d' : 'attribute_exists(pk)',
            ExpressionAttributeValues: digest ? { ':d': digest } : undefined,
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },

    async listTokens(userId, limit, afterTokenId) {
      const res = await documentClient.send(
        new QueryCommand({
          TableName: tables.tokens,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :tok)',
          ExpressionAttributeValues: { ':pk': `USER#${userId}`, ':tok': 'TOKEN#' },
          ConsistentRead: true,
          Limit: limit,
          ExclusiveStartKey: afterTokenId ? tokenKey(userId, afterTokenId) : undefined,
        }),
      );
      const tokens = (res.Items ?? []).map(toToken);
      const last = res.LastEvaluatedKey ? String(res.LastEvaluatedKey.sk).slice('TOKEN#'.length) : undefined;
      return { tokens, lastTokenId: last };
    },

    async deleteTokens(userId, tokenIds) {
      await batchWriteAll(tables.tokens, tokenIds.map((id) => ({ DeleteRequest: { Key: tokenKey(userId, id) } })));
    },
  };
}

export type { ExtraWrites, IssueGuard };
