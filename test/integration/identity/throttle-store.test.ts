import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../../lib/platform/aws/dynamodb';
import { dynamoLoginThrottle } from '../../../lib/identity/dynamo-login-throttle';
import { isStale, mayReserve, RESERVATION_LEASE_MS, THROTTLE_RULES, type StoredCounter } from '../../../lib/identity/login-throttle';
import type { Reservation } from '../../../lib/identity/model';

/**
 * The login throttle's DynamoDB store against the emulator, one counter state at a time: its
 * conditional writes decide as the pure rules of lib/identity/login-throttle.ts say (`mayReserve`,
 * `isStale`), the trusted-pair rule holds through the store, and a success settling late cannot
 * shorten the lease of an attempt reserved after it.
 */
const TABLE = process.env.RATE_LIMITS_TABLE!;
const throttle = dynamoLoginThrottle(TABLE);
const NOW = Date.parse('2026-11-24T12:00:00Z');
const DAY = 86_400_000;
let ipSeq = Math.floor(Math.random() * 50_000);
const freshIp = () => {
  ipSeq += 1;
  return `10.77.${(ipSeq >> 8) & 255}.${ipSeq & 255}`;
};
const accountKey = () => randomUUID().replace(/-/g, '');

async function putCounter(key: { pk: string; sk: string }, counter: Record<string, number>) {
  await documentClient.send(new PutCommand({ TableName: TABLE, Item: { ...key, ...counter } }));
}
async function getCounter(key: { pk: string; sk: string }) {
  return (await documentClient.send(new GetCommand({ TableName: TABLE, Key: key, ConsistentRead: true }))).Item;
}
const accountItem = (key: string) => ({ pk: `LOGIN#A#${key}`, sk: 'FAILURES' });
const pairItem = (key: string, ip: string) => ({ pk: `LOGIN#A#${key}`, sk: `IP#${ip}` });
async function counters(reservation: Reservation) {
  return Promise.all((reservation.read.keys as Array<{ pk: string; sk: string }>).map(async (k) => ({ ...k, ...(await getCounter(k)) })));
}
async function apply(writes: readonly unknown[]): Promise<boolean> {
  try {
    await documentClient.send(new TransactWriteCommand({ TransactItems: writes as never }));
    return true;
  } catch (error) {
    if ((error as Error).name === 'TransactionCanceledException') return false;
    throw error;
  }
}

describe('login throttle store (rate-limits table)', () => {
  const rule = THROTTLE_RULES.account;
  const states: Array<[string, StoredCounter]> = [
    ['no failures', { failures: 0, lastFailureMs: NOW, nextAllowedMs: NOW + 5000 }],
    ['4 failures, leased', { failures: 4, lastFailureMs: NOW - 1000, nextAllowedMs: NOW + 5000 }],
    ['5 failures, leased', { failures: 5, lastFailureMs: NOW - 1000, nextAllowedMs: NOW + 5000 }],
    ['5 failures, back-off ends now', { failures: 5, lastFailureMs: NOW - 1000, nextAllowedMs: NOW }],
    ['9 failures, back-off passed', { failures: 9, lastFailureMs: NOW - 60_000, nextAllowedMs: NOW - 1 }],
    ['9 failures, back-off running', { failures: 9, lastFailureMs: NOW - 60_000, nextAllowedMs: NOW + 60_000 }],
    ['30 failures, quiet for a day and a bit (stale)', { failures: 30, lastFailureMs: NOW - DAY - 1, nextAllowedMs: NOW + 60_000 }],
    ['3 failures, undated (stale)', { failures: 3 }],
  ];

  it.each(states)('when the account counter holds %s, the store reserves exactly when mayReserve (or a stale restart) says so', async (_label, state) => {
    const key = accountKey();
    await putCounter(accountItem(key), state as unknown as Record<string, number>);
    const outcome = await throttle.reserve(key, freshIp(), NOW);
    const expected = mayReserve(state, rule, NOW) || isStale(state, rule, NOW);
    expect('reservation' in outcome ? outcome.reservation.path : 'refused').toBe(expected ? 'account' : 'refused');
    const after = await getCounter(accountItem(key));
    const restarted = isStale(state, rule, NOW);
    expect(Number(after!.failures)).toBe(expected ? (restarted ? 1 : state.failures + 1) : state.failures);
  });

  it('when the account is locked, an IP that logged in within 30 days is judged by its own pair counter; an older trust or a backed-off pair is refused', async () => {
    const key = accountKey();
    await putCounter(accountItem(key), { failures: 30, lastFailureMs: NOW - 1000, nextAllowedMs: NOW + 900_000 });
    const trusted = freshIp();
    await putCounter(pairItem(key, trusted), { lastSuccessMs: NOW - DAY });
    const stale = freshIp();
    await putCounter(pairItem(key, stale), { lastSuccessMs: NOW - 31 * DAY });
    const backedOff = freshIp();
    await putCounter(pairItem(key, backedOff), { lastSuccessMs: NOW - DAY, failures: 7, lastFailureMs: NOW - 1000, nextAllowedMs: NOW + 4000 });

    const byTrusted = await throttle.reserve(key, trusted, NOW);
    expect('reservation' in byTrusted && byTrusted.reservation.path).toBe('pair');
    expect(await throttle.reserve(key, stale, NOW)).toEqual({ retryAfterSeconds: 900 });
    expect(await throttle.reserve(key, backedOff, NOW)).toEqual({ retryAfterSeconds: 900 });
    expect(await throttle.reserve(key, freshIp(), NOW)).toEqual({ retryAfterSeconds: 900 });
    // The account counter was not moved by any of them.
    expect(Number((await getCounter(accountItem(key)))!.failures)).toBe(30);
  });

  it('when a success settles after a later attempt was reserved past the allowance, it cannot shorten that attempt\'s lease (one more would get in beside it)', async () => {
    // Prepare: 5 failures, back-off passed. A reserves (6th); its lease runs out while it hashes
    // (a stalled function), B reserves (7th) with a fresh lease.
    const key = accountKey();
    await putCounter(accountItem(key), { failures: 5, lastFailureMs: NOW - 2000, nextAllowedMs: NOW - 1 });
    const a = await throttle.reserve(key, freshIp(), NOW);
    if (!('reservation' in a)) throw new Error('A was refused');
    const readByA = await counters(a.reservation);
    const later = NOW + RESERVATION_LEASE_MS + 1000;
    const b = await throttle.reserve(key, freshIp(), later);
    if (!('reservation' in b)) throw new Error('B was refused');
    // Act: A's password was right; it settles now, from the count it read.
    const settled = await apply(throttle.successWrites(a.reservation, readByA, later));
    // Assess: refused (it would have set the back-off of 5 failures, 1 s, over B's 10 s lease)...
    expect(settled).toBe(false);
    expect(Number((await getCounter(accountItem(key)))!.nextAllowedMs)).toBe(later + RESERVATION_LEASE_MS);
    // ...A gives its attempt back alone, and while B is in flight nobody else gets in.
    expect(await apply(throttle.giveBackWrites(a.reservation, later))).toBe(true);
    const item = (await getCounter(accountItem(key)))!;
    expect([Number(item.failures), Number(item.nextAllowedMs)]).toEqual([6, later + RESERVATION_LEASE_MS]);
    expect(await throttle.reserve(key, freshIp(), later + 2000)).toEqual({ retryAfterSeconds: 8 });
  });

  it('when nothing moved since the read, a success settles and sets the back-off of one failure fewer', async () => {
    const key = accountKey();
    await putCounter(accountItem(key), { failures: 6, lastFailureMs: NOW - 5000, nextAllowedMs: NOW - 1 });
    const a = await throttle.reserve(key, freshIp(), NOW);
    if (!('reservation' in a)) throw new Error('refused');
    expect(await apply(throttle.successWrites(a.reservation, await counters(a.reservation), NOW + 100))).toBe(true);
    const item = (await getCounter(accountItem(key)))!;
    expect([Number(item.failures), Number(item.nextAllowedMs)]).toEqual([6, NOW + 100 + 2000]);
  });
});
