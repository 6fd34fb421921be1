import { delaySeconds, isStale, mayReserve, nextAllowedAfterFailure, nextAllowedAfterSuccess, retryAfterFromStored, THROTTLE_RULES, TRUSTED_PAIR_SECONDS } from '../../../lib/identity/login-throttle';

const NOW = Date.parse('2026-11-24T12:00:00Z');

describe('login throttling arithmetic', () => {
  it('when failures go past the threshold, the wait doubles with each one and is capped (15 minutes; 5 for a trusted pair)', () => {
    const waits = [0, 4, 5, 6, 7, 8, 20, 100].map((f) => delaySeconds(f, THROTTLE_RULES.account));
    expect(waits).toEqual([0, 0, 1, 2, 4, 8, 900, 900]);
    expect([19, 20, 22, 40].map((f) => delaySeconds(f, THROTTLE_RULES.ip))).toEqual([0, 1, 4, 900]);
    expect([5, 13, 14].map((f) => delaySeconds(f, THROTTLE_RULES.pair))).toEqual([1, 256, 300]);
    expect(delaySeconds(10_000, THROTTLE_RULES.account)).toBe(900);
  });
});

describe('reservation arithmetic (the condition the store writes, and the settlement)', () => {
  const rule = THROTTLE_RULES.account;

  it('when a counter is absent, at zero or under the free allowance, an attempt may be reserved whatever the lease says', () => {
    expect(mayReserve(undefined, rule, NOW)).toBe(true);
    expect(mayReserve({ failures: 0, lastFailureMs: NOW, nextAllowedMs: NOW + 10_000 }, rule, NOW)).toBe(true);
    expect(mayReserve({ failures: 4, lastFailureMs: NOW, nextAllowedMs: NOW + 10_000 }, rule, NOW)).toBe(true);
  });

  it('when a counter holds no failures, it may be reserved even under a rule with no free attempts', () => {
    const strict = { ...rule, freeFailures: 0 };
    expect(mayReserve({ failures: 0, lastFailureMs: NOW, nextAllowedMs: NOW + 10_000 }, strict, NOW)).toBe(true);
    expect(mayReserve({ failures: 1, lastFailureMs: NOW, nextAllowedMs: NOW + 10_000 }, strict, NOW)).toBe(false);
  });

  it('when the free allowance is used up and no back-off was ever set, an attempt may be reserved', () => {
    expect(mayReserve({ failures: 5, lastFailureMs: NOW }, rule, NOW)).toBe(true);
  });

  it('trusts an (account, IP) pair for 30 days after its last success', () => {
    expect(TRUSTED_PAIR_SECONDS).toBe(30 * 86_400);
  });

  it('when the free allowance is used up, only an attempt at or after nextAllowedMs may be reserved', () => {
    expect(mayReserve({ failures: 5, lastFailureMs: NOW, nextAllowedMs: NOW + 1 }, rule, NOW)).toBe(false);
    expect(mayReserve({ failures: 5, lastFailureMs: NOW, nextAllowedMs: NOW }, rule, NOW)).toBe(true);
    expect(mayReserve({ failures: 9, lastFailureMs: NOW - 1000, nextAllowedMs: NOW - 1 }, rule, NOW)).toBe(true);
  });

  it('when a counter with failures has been quiet past its window, it is stale: not reservable as is, restarted apart', () => {
    const quiet = { failures: 50, lastFailureMs: NOW - 24 * 3_600_000 - 1, nextAllowedMs: NOW - 1 };
    expect(isStale(quiet, rule, NOW)).toBe(true);
    expect(mayReserve(quiet, rule, NOW)).toBe(false);
    expect(isStale({ ...quiet, lastFailureMs: NOW - 24 * 3_600_000 }, rule, NOW)).toBe(false);
    expect(isStale({ ...quiet, failures: 0 }, rule, NOW)).toBe(false);
    // A counter with failures but no time of the last one cannot be dated: it starts again too.
    expect(isStale({ failures: 3 }, rule, NOW)).toBe(true);
    expect(mayReserve({ failures: 3 }, rule, NOW)).toBe(false);
    expect(isStale({ failures: 1, lastFailureMs: NOW }, rule, NOW)).toBe(false);
    expect(isStale({ failures: 1, lastFailureMs: NOW - 3_600_001 }, THROTTLE_RULES.ip, NOW)).toBe(true);
    expect(isStale(undefined, rule, NOW)).toBe(false);
  });

  it('after a failure, the next attempt waits the doubling back-off of the new count (none under the allowance)', () => {
    expect([4, 5, 6, 7, 30].map((f) => nextAllowedAfterFailure(f, rule, NOW) - NOW)).toEqual([0, 1000, 2000, 4000, 900_000]);
  });

  it('after a success gives its attempt back, the wait is that of one failure fewer', () => {
    expect([0, 1, 5, 6, 7].map((f) => nextAllowedAfterSuccess(f, rule, NOW) - NOW)).toEqual([0, 0, 0, 1000, 2000]);
  });

  it('Retry-After is the longest wait of the refusing counters, at least one second', () => {
    expect(retryAfterFromStored([{ failures: 6, nextAllowedMs: NOW + 1500 }, { failures: 30, nextAllowedMs: NOW + 4001 }], NOW)).toBe(5);
    expect(retryAfterFromStored([undefined, { failures: 6, nextAllowedMs: NOW - 10 }], NOW)).toBe(1);
    expect(retryAfterFromStored([], NOW)).toBe(1);
  });
});
