import { tokenWrites } from '../../../lib/identity/token-writes';
import type { TokenRecord } from '../../../lib/identity/model';

/**
 * The writes of bearer tokens and the revocation mark, item by item (issue 21 §5): what a token's
 * transaction holds under each guard, exactly as DynamoDB receives it.
 */
const tables = { accounts: 'accounts-t', tokens: 'tokens-t' };
const writes = tokenWrites(tables);

const EMAIL = 'ada@example.com';
const LOCK = { pk: `EMAIL#${EMAIL}`, sk: 'LOCK' };
const MARK = { pk: 'USER#usr_A', sk: 'REVOCATION' };
const EXPIRES_MS = 1_790_000_000_000;

const token = (over: Partial<TokenRecord> = {}): TokenRecord => ({
  userId: 'usr_A',
  tokenId: 'tok_new',
  kind: 'ses',
  name: 'Session',
  digest: 'dg',
  credentialVersion: 4,
  createdAt: '2026-05-28T20:26:40.000Z',
  createdAtMs: 1_780_000_000_000,
  lastUsedAt: null,
  lastUsedAtMs: null,
  expiresAt: '2026-09-21T14:13:20.000Z',
  expiresAtMs: EXPIRES_MS,
  ...over,
});
/** The token's item: no last-used until the first use; the TTL a day after it expires. */
const tokenPut = (t: TokenRecord) => {
  const { lastUsedAt: _a, lastUsedAtMs: _b, ...fields } = t;
  return { Put: { TableName: 'tokens-t', Item: { pk: 'USER#usr_A', sk: `TOKEN#${t.tokenId}`, ...fields, ttl: 1_790_000_000 + 86_400 }, ConditionExpression: 'attribute_not_exists(pk)' } };
};
const extra = [{ Put: { TableName: 'throttle-t', Item: { pk: 'T#1', sk: 'S' } } }];

describe('a token under the credential it was issued for', () => {
  it('the token item (no last-used, TTL a day after it expires, only where none is) beside a check that the version and owner are as read', () => {
    const t = token({ lastUsedAt: '2026-05-28T20:30:00.000Z', lastUsedAtMs: 1_780_000_200_000, userAgent: 'Firefox', ipAddress: '203.0.113.9' });
    const put = writes.putToken(t, { by: 'credential', email: EMAIL, version: 4 }, extra);
    expect(put).toStrictEqual({
      TransactItems: [
        tokenPut(t),
        {
          ConditionCheck: {
            TableName: 'accounts-t',
            Key: LOCK,
            ConditionExpression: 'credentialVersion = :cv AND userId = :u',
            ExpressionAttributeValues: { ':cv': 4, ':u': 'usr_A' },
          },
        },
        ...extra,
      ],
    });
    expect(put.TransactItems[0].Put!.Item).not.toHaveProperty('lastUsedAt');
    expect(put.TransactItems[0].Put!.Item).toMatchObject({ userAgent: 'Firefox', ipAddress: '203.0.113.9' });
  });

  it('a credential written before versions counts as version 0', () => {
    const [, check] = writes.putToken(token(), { by: 'credential', email: EMAIL, version: 0 }).TransactItems;
    expect(check.ConditionCheck!.ConditionExpression).toBe('(attribute_not_exists(credentialVersion) OR credentialVersion = :cv) AND userId = :u');
  });

  it('a stronger hash of the same password, only over the hash that was checked; the version does not move', () => {
    const [, rehash] = writes.putToken(token(), { by: 'credential', email: EMAIL, version: 4, rehash: { from: 'h-weak', to: 'h-strong' } }).TransactItems;
    expect(rehash).toStrictEqual({
      Update: {
        TableName: 'accounts-t',
        Key: LOCK,
        UpdateExpression: 'SET passwordHash = :h',
        ConditionExpression: 'credentialVersion = :cv AND passwordHash = :old AND userId = :u',
        ExpressionAttributeValues: { ':h': 'h-strong', ':old': 'h-weak', ':cv': 4, ':u': 'usr_A' },
      },
    });
  });
});

describe('a login session in the ring', () => {
  it('the first session starts the ring, on condition no session was issued yet', () => {
    const put = writes.putToken(token(), { by: 'credential', email: EMAIL, version: 4, session: { seq: 0, slot: 0 } });
    expect(put.TransactItems).toStrictEqual([
      tokenPut(token()),
      {
        Update: {
          TableName: 'accounts-t',
          Key: LOCK,
          UpdateExpression: 'SET sessionSeq = :seqNext, sessionIds = :ring',
          ConditionExpression: 'credentialVersion = :cv AND userId = :u AND attribute_not_exists(sessionSeq)',
          ExpressionAttributeNames: undefined,
          ExpressionAttributeValues: { ':cv': 4, ':u': 'usr_A', ':seqNext': 1, ':ring': { '0': 'tok_new' } },
        },
      },
    ]);
  });

  it('a later one takes its slot while the position is the one read, evicts the session issued there before, and may rehash', () => {
    const put = writes.putToken(token(), { by: 'credential', email: EMAIL, version: 4, rehash: { from: 'h-weak', to: 'h-strong' }, session: { seq: 13, slot: 3, evict: 'tok_old' } }, extra);
    expect(put.TransactItems).toStrictEqual([
      tokenPut(token()),
      {
        Update: {
          TableName: 'accounts-t',
          Key: LOCK,
          UpdateExpression: 'SET sessionSeq = :seqNext, sessionIds.#slot = :tid, passwordHash = :h',
          ConditionExpression: 'credentialVersion = :cv AND userId = :u AND sessionSeq = :seq AND passwordHash = :old',
          ExpressionAttributeNames: { '#slot': '3' },
          ExpressionAttributeValues: { ':cv': 4, ':u': 'usr_A', ':seqNext': 14, ':tid': 'tok_new', ':seq': 13, ':h': 'h-strong', ':old': 'h-weak' },
        },
      },
      { Delete: { TableName: 'tokens-t', Key: { pk: 'USER#usr_A', sk: 'TOKEN#tok_old' } } },
      ...extra,
    ]);
  });

  it('never evicts the session it is writing', () => {
    const put = writes.putToken(token(), { by: 'credential', email: EMAIL, version: 4, session: { seq: 13, slot: 3, evict: 'tok_new' } });
    expect(put.TransactItems).toHaveLength(2);
    expect(put.TransactItems.some((item) => item.Delete)).toBe(false);
  });
});

describe('a personal token under the mark (the cap)', () => {
  const pat = token({ kind: 'pat', name: 'CI deploys' });

  it("counts one more issued under the bound and enters the token in the map, pruning expired entries (never the token's own)", () => {
    const [, mark] = writes.putToken(pat, { by: 'mark', version: 4, issuedBelow: 60, prune: ['tok_x', 'tok_new', 'tok_y'] }).TransactItems;
    expect(mark).toStrictEqual({
      Update: {
        TableName: 'tokens-t',
        Key: MARK,
        UpdateExpression: 'ADD issued :one SET personal.#new = :exp REMOVE personal.#p0, personal.#p1',
        ConditionExpression: 'credentialVersion = :cv AND attribute_exists(personal) AND (attribute_not_exists(issued) OR issued < :below)',
        ExpressionAttributeNames: { '#new': 'tok_new', '#p0': 'tok_x', '#p1': 'tok_y' },
        ExpressionAttributeValues: { ':cv': 4, ':one': 1, ':exp': EXPIRES_MS, ':below': 60 },
      },
    });
  });

  it('nothing to prune: no REMOVE', () => {
    const [, mark] = writes.putToken(pat, { by: 'mark', version: 0, issuedBelow: 60 }).TransactItems;
    expect(mark.Update!.UpdateExpression).toBe('ADD issued :one SET personal.#new = :exp');
    expect(mark.Update!.ExpressionAttributeNames).toStrictEqual({ '#new': 'tok_new' });
    expect(mark.Update!.ConditionExpression).toBe(
      '(attribute_not_exists(credentialVersion) OR credentialVersion = :cv) AND attribute_exists(personal) AND (attribute_not_exists(issued) OR issued < :below)',
    );
  });

  it('a rebuild replaces the whole map, only if no personal token was created since it was read', () => {
    const [, first] = writes.putToken(pat, { by: 'mark', version: 4, issuedIs: null, personal: { tok_a: 1 } }).TransactItems;
    expect(first).toStrictEqual({
      Update: {
        TableName: 'tokens-t',
        Key: MARK,
        UpdateExpression: 'ADD issued :one SET personal = :map',
        ConditionExpression: 'credentialVersion = :cv AND attribute_not_exists(issued)',
        ExpressionAttributeNames: undefined,
        ExpressionAttributeValues: { ':cv': 4, ':one': 1, ':map': { tok_a: 1, tok_new: EXPIRES_MS } },
      },
    });
    const [, again] = writes.putToken(pat, { by: 'mark', version: 4, issuedIs: 7, personal: {} }).TransactItems;
    expect(again.Update!.ConditionExpression).toBe('credentialVersion = :cv AND issued = :was');
    expect(again.Update!.ExpressionAttributeValues).toStrictEqual({ ':cv': 4, ':one': 1, ':map': { tok_new: EXPIRES_MS }, ':was': 7 });
  });
});

describe('the mark and single token writes', () => {
  it('the mark of a new version spares the caller; the personal map restarts empty unless the caller is a personal token', () => {
    expect(writes.markPut('usr_A', 6, 'tok_me')).toStrictEqual({ Put: { TableName: 'tokens-t', Item: { ...MARK, credentialVersion: 6, exceptTokenId: 'tok_me', personal: {} } } });
    expect(writes.markPut('usr_A', 6)).toStrictEqual({ Put: { TableName: 'tokens-t', Item: { ...MARK, credentialVersion: 6, exceptTokenId: undefined, personal: {} } } });
    expect(writes.markPut('usr_A', 6, 'tok_pat', true)).toStrictEqual({ Put: { TableName: 'tokens-t', Item: { ...MARK, credentialVersion: 6, exceptTokenId: 'tok_pat' } } });
  });

  it('last-used is written only when stale, and never brings back a deleted token', () => {
    expect(writes.touchToken('usr_A', 'tok_1', 1_780_000_000_000, '2026-05-28T20:26:40.000Z', 1_779_999_000_000)).toStrictEqual({
      TableName: 'tokens-t',
      Key: { pk: 'USER#usr_A', sk: 'TOKEN#tok_1' },
      UpdateExpression: 'SET lastUsedAt = :iso, lastUsedAtMs = :now',
      ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(lastUsedAtMs) OR lastUsedAtMs <= :stale)',
      ExpressionAttributeValues: { ':iso': '2026-05-28T20:26:40.000Z', ':now': 1_780_000_000_000, ':stale': 1_779_999_000_000 },
    });
  });

  it("a token of this user is deleted only if it is there, and with a digest only if it is that token's", () => {
    expect(writes.deleteToken('usr_A', 'tok_1')).toStrictEqual({
      TableName: 'tokens-t',
      Key: { pk: 'USER#usr_A', sk: 'TOKEN#tok_1' },
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: undefined,
    });
    expect(writes.deleteToken('usr_A', 'tok_1', 'dg')).toStrictEqual({
      TableName: 'tokens-t',
      Key: { pk: 'USER#usr_A', sk: 'TOKEN#tok_1' },
      ConditionExpression: 'attribute_exists(pk) AND digest = :d',
      ExpressionAttributeValues: { ':d': 'dg' },
    });
  });
});
