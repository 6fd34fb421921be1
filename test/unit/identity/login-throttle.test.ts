import { delaySeconds, isStale, mayReserve, nextAllowedAfterFailure, nextAllowedAfterSuccess, retryAfterFromStored, retryAfterSeconds, THROTTLE_RULES } from '../../../lib/identity/login-throttle';

const NOW = Date.parse('2026-11-24T12:00:00Z');

describe('login throttling arithmetic', () => {
  it('when an account has fewer than 5 failures, the next attempt may go ahead', () => {
    expect(retryAfterSeconds({ account: { failures: 4, lastFailureMs: NOW } }, NOW)).toBe(0);
  });

  it('when failures go past the threshold, the wait doubles with each one and is capped at 15 minutes', () => {
    const waits = [5, 6, 7, 8, 20, 100].map((f) => delaySeconds(f, THROTTLE_RULES.account));
    expect(waits).toEqual([1, 2, 4, 8, 900, 900]);
    expect(retryAfterSeconds({ account: { failures: 8, lastFailureMs: NOW - 3000 } }, NOW)).toBe(5);
  });

  it('when the wait has passed, the attempt goes ahead: nothing is locked for good', () => {
    expect(retryAfterSeconds({ account: { failures: 100, lastFailureMs: NOW - 901_000 } }, NOW)).toBe(0);
  });

  it('when the account counter has been quiet for a day, it is forgotten', () => {
    expect(retryAfterSeconds({ account: { failures: 50, lastFailureMs: NOW - 25 * 3_600_000 } }, NOW)).toBe(0);
  });

  it('when one IP fails more than 20 times, it waits whatever account it tries', () => {
    expect(retryAfterSeconds({ ip: { failures: 22, lastFailureMs: NOW } }, NOW)).toBe(4);
  });

  it('when the account is locked but this IP logged in successfully before, the pair\'s own counter decides', () => {
    // Prepare: an attacker elsewhere has run the account counter up.
    const state = { account: { failures: 30, lastFailureMs: NOW }, pair: { failures: 0, lastFailureMs: 0, lastSuccessMs: NOW - 86_400_000 } };
    // Act / Assess
    expect(retryAfterSeconds(state, NOW)).toBe(0);
    expect(retryAfterSeconds({ ...state, pair: { ...state.pair, failures: 7, lastFailureMs: NOW } }, NOW)).toBe(4);
    // ...and a trust older than 30 days no longer helps.
    expect(retryAfterSeconds({ ...state, pair: { ...state.pair, lastSuccessMs: NOW - 31 * 86_400_000 } }, NOW)).toBe(900);
  });
});

describe('reservation arithmetic (the condition the store writes, and the settlement)', () => {
  const rule = THROTTLE_RULES.account;

  it('when a counter is absent, at zero or under the free allowance, an attempt may be reserved whatever the lease says', () => {
    expect(mayReserve(undefined, rule, NOW)).toBe(true);
    expect(mayReserve({ failures: 0, lastFailureMs: NOW, nextAllowedMs: NOW + 10_000 }, rule, NOW)).toBe(true);
    expect(mayReserve({ failures: 4, lastFailureMs: NOW, nextAllowedMs: NOW + 10_000 }, rule, NOW)).toBe(true);
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
