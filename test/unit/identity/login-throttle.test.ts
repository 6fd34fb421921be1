import { delaySeconds, retryAfterSeconds, THROTTLE_RULES } from '../../../lib/identity/login-throttle';

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
