import type { DeleteCommandInput, PutCommandInput } from '@aws-sdk/lib-dynamodb';
import { lockKey, markKey, oneTimeKey, ttlAfter, unlockKey, userKey, versionIs, type IdentityTables, type Transaction, type TransactItem } from './identity-items';
import { tokenWrites } from './token-writes';
import type { Credential, ExtraWrites, OneTimeTokenRecord, PendingSignup, UserRecord } from './model';

/**
 * The writes of the identity store, built as plain DynamoDB inputs (pure: no client, no clock, no
 * randomness; test/unit/identity/identity-writes.test.ts asserts the exact items and conditions):
 * accounts, credentials, pending signups and one-time tokens here, bearer tokens and the mark in
 * token-writes.ts (joined in). lib/identity/dynamo-identity-store.ts sends them and reads what
 * their failures mean.
 */

type Verification = OneTimeTokenRecord & { signup: PendingSignup };

/** Writes of another store (the throttle's settlement) joined to a transaction of this one. */
const joined = (extra: ExtraWrites) => extra as TransactItem[];

/** A verification or reset token's item (its digest is the key; a verification carries its signup). */
export function oneTimeItem(token: OneTimeTokenRecord) {
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

/** The items of createUser's transaction, in order: its cancellation reasons are read by these names. */
export const CREATE_USER_ITEMS = ['user', 'lock', 'verification'] as const;

export function identityWrites(tables: IdentityTables) {
  const tokens = tokenWrites(tables);
  const { markPut } = tokens;

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

  /** A one-time token's item, only where none is (a digest is never reused). */
  const oneTimePut = (token: OneTimeTokenRecord) => ({ Put: { TableName: tables.accounts, Item: oneTimeItem(token), ConditionExpression: 'attribute_not_exists(pk)' } });

  /** Deleting the digest is what makes a token single-use: a second use finds nothing. Only this user's, unexpired. */
  const oneTimeUse = (purpose: OneTimeTokenRecord['purpose'], token: OneTimeTokenRecord, nowMs: number) => ({
    Delete: {
      TableName: tables.accounts,
      Key: oneTimeKey(purpose, token.digest),
      ConditionExpression: 'attribute_exists(pk) AND userId = :u AND expiresAtMs > :now',
      ExpressionAttributeValues: { ':u': token.userId, ':now': nowMs },
    },
  });

  /**
   * The user item verified (a mailed link followed: a verification or a reset) and kept for good
   * (no TTL); `name` (a verified signup's) replaces the display name unless undefined.
   */
  function userVerified(userId: string, at: string, name?: string | null) {
    const named = name !== undefined;
    return {
      Update: {
        TableName: tables.accounts,
        Key: userKey(userId),
        UpdateExpression: `SET emailVerified = :t, verifiedAt = if_not_exists(verifiedAt, :at)${named ? ', #name = :name' : ''} REMOVE #ttl`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#ttl': 'ttl', ...(named ? { '#name': 'name' } : {}) },
        ExpressionAttributeValues: { ':t': true, ':at': at, ...(named ? { ':name': name } : {}) },
      },
    };
  }

  return {
    /** The user item, the credential (email lock) and the verification token: CREATE_USER_ITEMS, in that order. */
    createUser(user: UserRecord, credential: Credential, verification: OneTimeTokenRecord): Transaction {
      const ttl = credential.pendingUntilMs ? { ttl: ttlAfter(credential.pendingUntilMs) } : {};
      return {
        TransactItems: [
          { Put: { TableName: tables.accounts, Item: { ...userKey(user.userId), ...user, ...ttl }, ConditionExpression: 'attribute_not_exists(pk)' } },
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
                ...ttl,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            },
          },
          oneTimePut(verification),
        ],
      };
    },

    addPendingSignup(current: Credential, verification: Verification, drop: string[], pendingUntilMs: number, nowMs: number): Transaction {
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
      return {
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
                ':ttl': ttlAfter(pendingUntilMs),
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
              ExpressionAttributeValues: { ':ttl': ttlAfter(pendingUntilMs), ':f': false },
            },
          },
          oneTimePut(verification),
        ],
      };
    },

    restartPending(current: Credential, verification: Verification, pendingUntilMs: number, nowMs: number): Transaction {
      const next = current.version + 1;
      return {
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
              ':ttl': ttlAfter(pendingUntilMs),
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
                ':ttl': ttlAfter(pendingUntilMs),
              },
            },
          },
          // No mark here: a pending account has no bearer tokens. Verification writes the mark.
          oneTimePut({ ...verification, credentialVersion: next }),
        ],
      };
    },

    putFreshVerification(current: Credential, verification: Verification, nowMs: number, extra: ExtraWrites): Transaction {
      return {
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
          oneTimePut(verification),
          ...joined(extra),
        ],
      };
    },

    consumeVerification(token: Verification, nowMs: number, verifiedAt: string, extra: ExtraWrites = []): Transaction {
      const { userId, signup } = token;
      const next = token.credentialVersion + 1;
      return {
        TransactItems: [
          oneTimeUse('verify', token, nowMs),
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
          userVerified(userId, verifiedAt, signup.name),
          // The mark starts equal to the version the account is verified under (a pending
          // account's version moves without one: it has no bearer tokens to revoke).
          { Update: { TableName: tables.tokens, Key: markKey(userId), UpdateExpression: 'SET credentialVersion = :cv', ExpressionAttributeValues: { ':cv': next } } },
          ...joined(extra),
        ],
      };
    },

    consumeReset(reset: OneTimeTokenRecord, nowMs: number, newHash: string, nowIso: string): Transaction {
      const next = reset.credentialVersion + 1;
      return {
        TransactItems: [
          // Stryker disable next-line StringLiteral: oneTimeKey gives every purpose but 'verify' the reset key
          oneTimeUse('reset', reset, nowMs),
          // Only while the credential is the one the token was mailed under: a reset or change
          // since then (including a reset with a second token) ends this token.
          // Following a mailed link proves the address, so a reset also verifies it.
          moveCredential(
            { email: reset.email, version: reset.credentialVersion, userId: reset.userId },
            // The address's pending signups end with it, as with a verification.
            { set: 'passwordHash = :h, emailVerified = :t', remove: 'pendingUntilMs, #ttl, pendingSignups, signupId', names: { '#ttl': 'ttl' }, values: { ':h': newHash, ':t': true } },
          ),
          userVerified(reset.userId, nowIso),
          markPut(reset.userId, next),
        ],
      };
    },

    changePassword(current: Credential, newHash: string, exceptTokenId: string | undefined, extra: ExtraWrites = [], sparesPersonal = false): Transaction {
      return {
        TransactItems: [
          moveCredential(current, { set: 'passwordHash = :h', also: 'passwordHash = :old', values: { ':h': newHash, ':old': current.passwordHash } }),
          markPut(current.userId, current.version + 1, exceptTokenId, sparesPersonal),
          ...joined(extra),
        ],
      };
    },

    bumpVersion(userId: string, email: string, version: number): Transaction {
      return { TransactItems: [moveCredential({ email, version, userId }, {}), markPut(userId, version + 1)] };
    },
    /** Writes of another store on their own. */
    applyWrites(extra: ExtraWrites): Transaction {
      return { TransactItems: [...joined(extra)] };
    },

    putOneTimeToken(token: OneTimeTokenRecord): PutCommandInput {
      return { TableName: tables.accounts, Item: oneTimeItem(token), ConditionExpression: 'attribute_not_exists(pk)' };
    },

    /**
     * The same request as putOneTimeToken, of the same size, under a fresh digest's key, on
     * condition that the key already holds an item (it never does): refused, nothing stored.
     */
    putNothing(purpose: OneTimeTokenRecord['purpose'], digest: string): PutCommandInput {
      const item = oneTimeItem({ purpose, digest, userId: `usr_${'0'.repeat(22)}`, email: 'nobody@invalid', credentialVersion: 0, expiresAtMs: 0 });
      return { TableName: tables.accounts, Item: item, ConditionExpression: 'attribute_exists(pk)' };
    },

    /**
     * A registered address: only while its lock is there (the item sits beside it). An
     * unregistered one: the same request, refused (nothing stored).
     */
    putUnlockCode(email: string, digest: string, expiresAtMs: number, userId: string | undefined): PutCommandInput {
      const item = { ...unlockKey(email), digest, userId: userId ?? `usr_${'0'.repeat(22)}`, expiresAtMs, ttl: ttlAfter(expiresAtMs) };
      return {
        TableName: tables.accounts,
        Item: item,
        ConditionExpression: userId ? 'attribute_not_exists(pk) OR userId = :u' : 'attribute_exists(pk) AND userId = :none',
        ExpressionAttributeValues: { ':u': userId ?? '', ...(userId ? {} : { ':none': '-' }) },
      };
    },

    consumeUnlockCode(email: string, digest: string, nowMs: number): DeleteCommandInput {
      return {
        TableName: tables.accounts,
        Key: unlockKey(email),
        ConditionExpression: 'attribute_exists(pk) AND digest = :d AND expiresAtMs > :now',
        ExpressionAttributeValues: { ':d': digest, ':now': nowMs },
      };
    },

    ...tokens,
  };
}

export type IdentityWrites = ReturnType<typeof identityWrites>;
