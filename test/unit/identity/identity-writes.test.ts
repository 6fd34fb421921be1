import { CREATE_USER_ITEMS, identityWrites, oneTimeItem } from '../../../lib/identity/identity-writes';
import type { Credential, OneTimeTokenRecord, PendingSignup, UserRecord } from '../../../lib/identity/model';

/**
 * The identity store's writes, item by item (issue 21 §5): keys, items, update and condition
 * expressions, names and values exactly as DynamoDB receives them. The integration tests prove
 * what these conditions do on the emulator; these pin what they are.
 */
const tables = { accounts: 'accounts-t', tokens: 'tokens-t' };
const writes = identityWrites(tables);

const EMAIL = 'ada@example.com';
const LOCK = { pk: `EMAIL#${EMAIL}`, sk: 'LOCK' };
const USER = { pk: 'USER#usr_A', sk: 'PROFILE' };
const MARK = { pk: 'USER#usr_A', sk: 'REVOCATION' };
// 1_800_000_000_500 ms: the TTL is the next whole second plus a day.
const UNTIL_MS = 1_800_000_000_500;
const UNTIL_TTL = 1_800_000_001 + 86_400;
const EXPIRES_MS = 1_790_000_000_000;
const EXPIRES_TTL = 1_790_000_000 + 86_400;
const NOW = 1_780_000_000_000;

const pending: Credential = {
  userId: 'usr_A',
  email: EMAIL,
  passwordHash: 'h-s1',
  version: 3,
  emailVerified: false,
  pendingUntilMs: UNTIL_MS,
  verifyMailMs: 1_779_000_000_000,
  pendingSignups: { s0: 1_770_000_000_000, s1: 1_775_000_000_000 },
  signupId: 's1',
};
const signup: PendingSignup = { id: 's2', passwordHash: 'h-s2', name: 'Ada' };
const verification = (over: Partial<OneTimeTokenRecord> = {}): OneTimeTokenRecord & { signup: PendingSignup } => ({
  purpose: 'verify',
  digest: 'dv',
  userId: 'usr_A',
  email: EMAIL,
  credentialVersion: 3,
  expiresAtMs: EXPIRES_MS,
  signup,
  ...over,
});
const verifyItem = (credentialVersion: number, s: PendingSignup = signup) => ({
  pk: 'VERIFY#dv',
  sk: 'VERIFY',
  userId: 'usr_A',
  email: EMAIL,
  credentialVersion,
  expiresAtMs: EXPIRES_MS,
  ttl: EXPIRES_TTL,
  signupId: s.id,
  passwordHash: s.passwordHash,
  ...(s.name !== undefined ? { name: s.name } : {}),
});
/** The user item verified by a followed link, its TTL gone (a verification whose signup has a name also sets it). */
const verifiedUser = (at: string) => ({
  Update: {
    TableName: 'accounts-t',
    Key: USER,
    UpdateExpression: 'SET emailVerified = :t, verifiedAt = if_not_exists(verifiedAt, :at) REMOVE #ttl',
    ConditionExpression: 'attribute_exists(pk)',
    ExpressionAttributeNames: { '#ttl': 'ttl' },
    ExpressionAttributeValues: { ':t': true, ':at': at },
  },
});
const extra = [{ Put: { TableName: 'throttle-t', Item: { pk: 'T#1', sk: 'S' } } }];

describe('one-time token items', () => {
  it('a verification carries its signup (name included when known); a reset carries none', () => {
    expect(oneTimeItem(verification())).toStrictEqual(verifyItem(3));
    expect(oneTimeItem(verification({ signup: { id: 's3', passwordHash: 'h-s3' } }))).toStrictEqual(verifyItem(3, { id: 's3', passwordHash: 'h-s3' }));
    expect(oneTimeItem(verification({ signup: { id: 's3', passwordHash: 'h-s3', name: null } }))).toStrictEqual({ ...verifyItem(3, { id: 's3', passwordHash: 'h-s3' }), name: null });
    expect(oneTimeItem({ purpose: 'reset', digest: 'dr', userId: 'usr_A', email: EMAIL, credentialVersion: 7, expiresAtMs: EXPIRES_MS })).toStrictEqual({
      pk: 'RESET#dr',
      sk: 'RESET',
      userId: 'usr_A',
      email: EMAIL,
      credentialVersion: 7,
      expiresAtMs: EXPIRES_MS,
      ttl: EXPIRES_TTL,
    });
  });
});

describe('createUser', () => {
  const user: UserRecord = { userId: 'usr_A', email: EMAIL, name: 'Ada', emailVerified: false, createdAt: '2026-06-01T00:00:00.000Z' };

  it('user, lock and verification, each only where nothing is; the lock returns what it found; pending items expire with the account', () => {
    const credential: Credential = { ...pending, passwordHash: 'h-s2', version: 0, pendingSignups: { s2: NOW }, signupId: 's2', verifyMailMs: NOW };
    expect(writes.createUser(user, credential, verification({ credentialVersion: 0 }))).toStrictEqual({
      TransactItems: [
        { Put: { TableName: 'accounts-t', Item: { ...USER, ...user, ttl: UNTIL_TTL }, ConditionExpression: 'attribute_not_exists(pk)' } },
        {
          Put: {
            TableName: 'accounts-t',
            Item: {
              ...LOCK,
              userId: 'usr_A',
              email: EMAIL,
              passwordHash: 'h-s2',
              credentialVersion: 0,
              emailVerified: false,
              pendingUntilMs: UNTIL_MS,
              verifyMailMs: NOW,
              pendingSignups: { s2: NOW },
              signupId: 's2',
              ttl: UNTIL_TTL,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
        { Put: { TableName: 'accounts-t', Item: verifyItem(0), ConditionExpression: 'attribute_not_exists(pk)' } },
      ],
    });
    // The store reads the cancellation reasons by these names, in this order.
    expect(CREATE_USER_ITEMS).toEqual(['user', 'lock', 'verification']);
  });

  it('an account that is not pending gets no TTL', () => {
    const credential: Credential = { userId: 'usr_A', email: EMAIL, passwordHash: 'h', version: 0, emailVerified: true };
    const [userPut, lockPut] = writes.createUser(user, credential, verification()).TransactItems;
    expect(userPut.Put!.Item).not.toHaveProperty('ttl');
    expect(lockPut.Put!.Item).not.toHaveProperty('ttl');
  });
});

describe('addPendingSignup', () => {
  it('joins the map, drops the oldest, takes the new hash; only while pending, live and as read; the version stays', () => {
    expect(writes.addPendingSignup(pending, verification(), ['s0'], UNTIL_MS, NOW)).toStrictEqual({
      TransactItems: [
        {
          Update: {
            TableName: 'accounts-t',
            Key: LOCK,
            UpdateExpression: 'SET passwordHash = :h, signupId = :sid, pendingSignups.#new = :now, pendingUntilMs = :until, verifyMailMs = :now, #ttl = :ttl REMOVE pendingSignups.#d0',
            ConditionExpression: 'credentialVersion = :cv AND userId = :u AND emailVerified = :f AND pendingUntilMs > :now AND attribute_exists(pendingSignups)',
            ExpressionAttributeNames: { '#ttl': 'ttl', '#new': 's2', '#d0': 's0' },
            ExpressionAttributeValues: { ':h': 'h-s2', ':sid': 's2', ':now': NOW, ':until': UNTIL_MS, ':ttl': UNTIL_TTL, ':cv': 3, ':u': 'usr_A', ':f': false },
          },
        },
        {
          Update: {
            TableName: 'accounts-t',
            Key: USER,
            UpdateExpression: 'SET #ttl = :ttl',
            ConditionExpression: 'attribute_exists(pk) AND emailVerified = :f',
            ExpressionAttributeNames: { '#ttl': 'ttl' },
            ExpressionAttributeValues: { ':ttl': UNTIL_TTL, ':f': false },
          },
        },
        { Put: { TableName: 'accounts-t', Item: verifyItem(3), ConditionExpression: 'attribute_not_exists(pk)' } },
      ],
    });
  });

  it('drops several at once', () => {
    const [lock] = writes.addPendingSignup({ ...pending, pendingSignups: { s0: 1, s1: 2, s9: 3 } }, verification(), ['s0', 's9'], UNTIL_MS, NOW).TransactItems;
    expect(lock.Update!.UpdateExpression).toBe(
      'SET passwordHash = :h, signupId = :sid, pendingSignups.#new = :now, pendingUntilMs = :until, verifyMailMs = :now, #ttl = :ttl REMOVE pendingSignups.#d0, pendingSignups.#d1',
    );
    expect(lock.Update!.ExpressionAttributeNames).toStrictEqual({ '#ttl': 'ttl', '#new': 's2', '#d0': 's0', '#d1': 's9' });
  });

  it('with nothing to drop, no REMOVE', () => {
    const [lock] = writes.addPendingSignup(pending, verification(), [], UNTIL_MS, NOW).TransactItems;
    expect(lock.Update!.UpdateExpression).toBe('SET passwordHash = :h, signupId = :sid, pendingSignups.#new = :now, pendingUntilMs = :until, verifyMailMs = :now, #ttl = :ttl');
    expect(lock.Update!.ExpressionAttributeNames).toStrictEqual({ '#ttl': 'ttl', '#new': 's2' });
  });

  it('a lock pending since before signups were bound starts its map (nothing to drop from it), on condition it has none; version 0 may be absent', () => {
    const legacy: Credential = { ...pending, version: 0, pendingSignups: undefined, signupId: undefined };
    const [lock] = writes.addPendingSignup(legacy, verification(), ['s0', 's1'], UNTIL_MS, NOW).TransactItems;
    expect(lock).toStrictEqual({
      Update: {
        TableName: 'accounts-t',
        Key: LOCK,
        UpdateExpression: 'SET passwordHash = :h, signupId = :sid, pendingSignups = :map, pendingUntilMs = :until, verifyMailMs = :now, #ttl = :ttl',
        ConditionExpression:
          '(attribute_not_exists(credentialVersion) OR credentialVersion = :cv) AND userId = :u AND emailVerified = :f AND pendingUntilMs > :now AND attribute_not_exists(pendingSignups)',
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':h': 'h-s2', ':sid': 's2', ':now': NOW, ':until': UNTIL_MS, ':ttl': UNTIL_TTL, ':cv': 0, ':u': 'usr_A', ':f': false, ':map': { s2: NOW } },
      },
    });
  });
});

describe('restartPending', () => {
  it('an expired pending account starts over with this signup alone: the version moves on, the user item restarts, the link carries the new version', () => {
    expect(writes.restartPending(pending, verification(), UNTIL_MS, NOW)).toStrictEqual({
      TransactItems: [
        {
          Update: {
            TableName: 'accounts-t',
            Key: LOCK,
            UpdateExpression: 'SET passwordHash = :h, signupId = :sid, pendingSignups = :map, pendingUntilMs = :until, verifyMailMs = :now, #ttl = :ttl, credentialVersion = :next',
            ConditionExpression: 'credentialVersion = :cv AND userId = :u AND emailVerified = :f',
            ExpressionAttributeNames: { '#ttl': 'ttl' },
            ExpressionAttributeValues: { ':h': 'h-s2', ':sid': 's2', ':map': { s2: NOW }, ':until': UNTIL_MS, ':now': NOW, ':ttl': UNTIL_TTL, ':f': false, ':next': 4, ':cv': 3, ':u': 'usr_A' },
          },
        },
        {
          Update: {
            TableName: 'accounts-t',
            Key: USER,
            UpdateExpression: 'SET userId = :u, email = :e, #name = :name, emailVerified = :f, createdAt = :at, #ttl = :ttl',
            ExpressionAttributeNames: { '#name': 'name', '#ttl': 'ttl' },
            ExpressionAttributeValues: { ':u': 'usr_A', ':e': EMAIL, ':name': 'Ada', ':f': false, ':at': '2026-05-28T20:26:40.000Z', ':ttl': UNTIL_TTL },
          },
        },
        { Put: { TableName: 'accounts-t', Item: verifyItem(4), ConditionExpression: 'attribute_not_exists(pk)' } },
      ],
    });
  });

  it('a signup without a name clears the old one', () => {
    const [, user] = writes.restartPending(pending, verification({ signup: { id: 's2', passwordHash: 'h-s2' } }), UNTIL_MS, NOW).TransactItems;
    expect(user.Update!.ExpressionAttributeValues![':name']).toBeNull();
  });
});

describe('putFreshVerification', () => {
  it("for the signup whose hash the lock holds, at most once per mail time; another store's writes join", () => {
    const fresh = verification({ signup: { id: 's1', passwordHash: 'h-s1' } });
    expect(writes.putFreshVerification(pending, fresh, NOW, extra)).toStrictEqual({
      TransactItems: [
        {
          Update: {
            TableName: 'accounts-t',
            Key: LOCK,
            UpdateExpression: 'SET verifyMailMs = :now',
            ConditionExpression: 'credentialVersion = :cv AND emailVerified = :f AND passwordHash = :h AND verifyMailMs = :last AND signupId = :sid AND attribute_exists(pendingSignups.#sid)',
            ExpressionAttributeNames: { '#sid': 's1' },
            ExpressionAttributeValues: { ':now': NOW, ':cv': 3, ':f': false, ':h': 'h-s1', ':sid': 's1', ':last': 1_779_000_000_000 },
          },
        },
        { Put: { TableName: 'accounts-t', Item: verifyItem(3, { id: 's1', passwordHash: 'h-s1' }), ConditionExpression: 'attribute_not_exists(pk)' } },
        ...extra,
      ],
    });
  });

  it('a lock never mailed and pending since before signups were bound starts its map with this signup', () => {
    const legacy: Credential = { ...pending, verifyMailMs: undefined, pendingSignups: undefined, signupId: undefined };
    const [lock] = writes.putFreshVerification(legacy, verification(), NOW, []).TransactItems;
    expect(lock).toStrictEqual({
      Update: {
        TableName: 'accounts-t',
        Key: LOCK,
        UpdateExpression: 'SET verifyMailMs = :now, signupId = :sid, pendingSignups = :map',
        ConditionExpression: 'credentialVersion = :cv AND emailVerified = :f AND passwordHash = :h AND attribute_not_exists(verifyMailMs) AND attribute_not_exists(signupId)',
        ExpressionAttributeNames: undefined,
        ExpressionAttributeValues: { ':now': NOW, ':cv': 3, ':f': false, ':h': 'h-s2', ':sid': 's2', ':map': { s2: NOW } },
      },
    });
  });
});

describe('consumeVerification', () => {
  const verifiedAt = '2026-05-27T20:26:40.000Z';

  it("deletes the link, gives the account that signup's password and moves the version on while that signup is pending, verifies the user item, starts the mark", () => {
    expect(writes.consumeVerification(verification(), NOW, verifiedAt, extra)).toStrictEqual({
      TransactItems: [
        {
          Delete: {
            TableName: 'accounts-t',
            Key: { pk: 'VERIFY#dv', sk: 'VERIFY' },
            ConditionExpression: 'attribute_exists(pk) AND userId = :u AND expiresAtMs > :now',
            ExpressionAttributeValues: { ':u': 'usr_A', ':now': NOW },
          },
        },
        {
          Update: {
            TableName: 'accounts-t',
            Key: LOCK,
            UpdateExpression: 'SET passwordHash = :h, emailVerified = :t, credentialVersion = :next REMOVE pendingUntilMs, #ttl, pendingSignups, signupId',
            ConditionExpression: 'credentialVersion = :cv AND userId = :u AND emailVerified = :f AND attribute_exists(pendingSignups.#sid) AND pendingUntilMs > :now',
            ExpressionAttributeNames: { '#ttl': 'ttl', '#sid': 's2' },
            ExpressionAttributeValues: { ':h': 'h-s2', ':t': true, ':f': false, ':now': NOW, ':next': 4, ':cv': 3, ':u': 'usr_A' },
          },
        },
        {
          Update: {
            TableName: 'accounts-t',
            Key: USER,
            UpdateExpression: 'SET emailVerified = :t, verifiedAt = if_not_exists(verifiedAt, :at), #name = :name REMOVE #ttl',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: { '#ttl': 'ttl', '#name': 'name' },
            ExpressionAttributeValues: { ':t': true, ':at': verifiedAt, ':name': 'Ada' },
          },
        },
        { Update: { TableName: 'tokens-t', Key: MARK, UpdateExpression: 'SET credentialVersion = :cv', ExpressionAttributeValues: { ':cv': 4 } } },
        ...extra,
      ],
    });
  });

  it("a signup whose name is unknown leaves the user item's; nothing extra by default", () => {
    const items = writes.consumeVerification(verification({ signup: { id: 's2', passwordHash: 'h-s2' } }), NOW, verifiedAt).TransactItems;
    expect(items).toHaveLength(4);
    expect(items[2]).toStrictEqual(verifiedUser(verifiedAt));
  });
});

describe('consumeReset', () => {
  it('deletes the link, sets the new hash and verifies the address while the version is the one mailed; every token revoked by the new mark', () => {
    const reset: OneTimeTokenRecord = { purpose: 'reset', digest: 'dr', userId: 'usr_A', email: EMAIL, credentialVersion: 0, expiresAtMs: EXPIRES_MS };
    expect(writes.consumeReset(reset, NOW, 'h-new', '2026-05-27T20:26:40.000Z')).toStrictEqual({
      TransactItems: [
        {
          Delete: {
            TableName: 'accounts-t',
            Key: { pk: 'RESET#dr', sk: 'RESET' },
            ConditionExpression: 'attribute_exists(pk) AND userId = :u AND expiresAtMs > :now',
            ExpressionAttributeValues: { ':u': 'usr_A', ':now': NOW },
          },
        },
        {
          Update: {
            TableName: 'accounts-t',
            Key: LOCK,
            UpdateExpression: 'SET passwordHash = :h, emailVerified = :t, credentialVersion = :next REMOVE pendingUntilMs, #ttl, pendingSignups, signupId',
            ConditionExpression: '(attribute_not_exists(credentialVersion) OR credentialVersion = :cv) AND userId = :u',
            ExpressionAttributeNames: { '#ttl': 'ttl' },
            ExpressionAttributeValues: { ':h': 'h-new', ':t': true, ':next': 1, ':cv': 0, ':u': 'usr_A' },
          },
        },
        verifiedUser('2026-05-27T20:26:40.000Z'),
        { Put: { TableName: 'tokens-t', Item: { ...MARK, credentialVersion: 1, exceptTokenId: undefined, personal: {} } } },
      ],
    });
  });
});

describe('changePassword and bumpVersion', () => {
  const verified: Credential = { userId: 'usr_A', email: EMAIL, passwordHash: 'h-old', version: 5, emailVerified: true };

  it('a change: the new hash while the version and the old hash are as read; the mark spares the caller and empties the personal map', () => {
    expect(writes.changePassword(verified, 'h-new', 'tok_me', extra)).toStrictEqual({
      TransactItems: [
        {
          Update: {
            TableName: 'accounts-t',
            Key: LOCK,
            UpdateExpression: 'SET passwordHash = :h, credentialVersion = :next',
            ConditionExpression: 'credentialVersion = :cv AND userId = :u AND passwordHash = :old',
            ExpressionAttributeNames: undefined,
            ExpressionAttributeValues: { ':h': 'h-new', ':old': 'h-old', ':next': 6, ':cv': 5, ':u': 'usr_A' },
          },
        },
        { Put: { TableName: 'tokens-t', Item: { ...MARK, credentialVersion: 6, exceptTokenId: 'tok_me', personal: {} } } },
        ...extra,
      ],
    });
  });

  it('a change with nothing of another store is the credential and the mark alone', () => {
    expect(writes.changePassword(verified, 'h-new', undefined).TransactItems).toHaveLength(2);
  });

  it('a change made with a personal token leaves the map absent (rebuilt at the next creation)', () => {
    const [, mark] = writes.changePassword(verified, 'h-new', 'tok_pat', [], true).TransactItems;
    expect(mark).toStrictEqual({ Put: { TableName: 'tokens-t', Item: { ...MARK, credentialVersion: 6, exceptTokenId: 'tok_pat' } } });
  });

  it('revoke-all: the version alone moves on, and the mark with it, sparing nobody', () => {
    expect(writes.bumpVersion('usr_A', EMAIL, 5)).toStrictEqual({
      TransactItems: [
        {
          Update: {
            TableName: 'accounts-t',
            Key: LOCK,
            UpdateExpression: 'SET credentialVersion = :next',
            ConditionExpression: 'credentialVersion = :cv AND userId = :u',
            ExpressionAttributeNames: undefined,
            ExpressionAttributeValues: { ':next': 6, ':cv': 5, ':u': 'usr_A' },
          },
        },
        { Put: { TableName: 'tokens-t', Item: { ...MARK, credentialVersion: 6, exceptTokenId: undefined, personal: {} } } },
      ],
    });
  });

  it("another store's writes on their own", () => {
    expect(writes.applyWrites(extra)).toStrictEqual({ TransactItems: extra });
  });
});

describe('single requests', () => {
  it('a one-time token is stored only where none is; its look-alike that stores nothing has the same size and a condition that cannot hold', () => {
    expect(writes.putOneTimeToken(verification())).toStrictEqual({ TableName: 'accounts-t', Item: verifyItem(3), ConditionExpression: 'attribute_not_exists(pk)' });
    expect(writes.putNothing('reset', 'dn')).toStrictEqual({
      TableName: 'accounts-t',
      Item: { pk: 'RESET#dn', sk: 'RESET', userId: 'usr_0000000000000000000000', email: 'nobody@invalid', credentialVersion: 0, expiresAtMs: 0, ttl: 86_400 },
      ConditionExpression: 'attribute_exists(pk)',
    });
  });

  it("an unlock code replaces the address's earlier one for its owner; for an unregistered address the same write cannot hold", () => {
    const item = (userId: string) => ({ pk: `EMAIL#${EMAIL}`, sk: 'UNLOCK', digest: 'du', userId, expiresAtMs: EXPIRES_MS, ttl: EXPIRES_TTL });
    expect(writes.putUnlockCode(EMAIL, 'du', EXPIRES_MS, 'usr_A')).toStrictEqual({
      TableName: 'accounts-t',
      Item: item('usr_A'),
      ConditionExpression: 'attribute_not_exists(pk) OR userId = :u',
      ExpressionAttributeValues: { ':u': 'usr_A' },
    });
    expect(writes.putUnlockCode(EMAIL, 'du', EXPIRES_MS, undefined)).toStrictEqual({
      TableName: 'accounts-t',
      Item: item('usr_0000000000000000000000'),
      ConditionExpression: 'attribute_exists(pk) AND userId = :none',
      ExpressionAttributeValues: { ':u': '', ':none': '-' },
    });
  });

  it('an unlock code is used once: deleted only with its digest and before it expires', () => {
    expect(writes.consumeUnlockCode(EMAIL, 'du', NOW)).toStrictEqual({
      TableName: 'accounts-t',
      Key: { pk: `EMAIL#${EMAIL}`, sk: 'UNLOCK' },
      ConditionExpression: 'attribute_exists(pk) AND digest = :d AND expiresAtMs > :now',
      ExpressionAttributeValues: { ':d': 'du', ':now': NOW },
    });
  });
});
