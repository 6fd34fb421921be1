import { ForbiddenError } from '../../../lib/platform/errors';
import {
  DEFAULT_RECENT_SIGN_IN_SECONDS,
  isRecentSignIn,
  RecentSignInRequiredError,
  requireRecentSignIn,
  signedInAtMs,
} from '../../../lib/identity/recent-sign-in';

const NOW = Date.parse('2026-12-07T12:00:00Z');
const WINDOW = 600;

describe('recent sign-in (sudo) rule', () => {
  it('defaults to ten minutes', () => {
    expect(DEFAULT_RECENT_SIGN_IN_SECONDS).toBe(600);
  });

  it('when a login session is younger than the window, it is recent; at the window and after, it is not', () => {
    // Prepare
    const at = (ageMs: number) => ({ kind: 'session', createdAtMs: NOW - ageMs });
    // Act / Assess
    expect(isRecentSignIn(at(0), NOW, WINDOW)).toBe(true);
    expect(isRecentSignIn(at(599_999), NOW, WINDOW)).toBe(true);
    expect(isRecentSignIn(at(600_000), NOW, WINDOW)).toBe(false);
    expect(isRecentSignIn(at(600_001), NOW, WINDOW)).toBe(false);
    expect(isRecentSignIn(at(86_400_000), NOW, WINDOW)).toBe(false);
  });

  it('the window is in seconds, not milliseconds', () => {
    expect(isRecentSignIn({ kind: 'session', createdAtMs: NOW - 1_500 }, NOW, 2)).toBe(true);
    expect(isRecentSignIn({ kind: 'session', createdAtMs: NOW - 2_000 }, NOW, 2)).toBe(false);
  });

  it('when an old session was confirmed inside the window, it is recent again; an old confirmation does not help', () => {
    const old = NOW - 3_600_000;
    expect(isRecentSignIn({ kind: 'session', createdAtMs: old, confirmedAtMs: NOW - 60_000 }, NOW, WINDOW)).toBe(true);
    expect(isRecentSignIn({ kind: 'session', createdAtMs: old, confirmedAtMs: NOW - 600_000 }, NOW, WINDOW)).toBe(false);
  });

  it('the later of login and confirmation counts (a stale confirmation never shortens a fresh login)', () => {
    expect(signedInAtMs({ createdAtMs: 100 })).toBe(100);
    expect(signedInAtMs({ createdAtMs: 100, confirmedAtMs: 250 })).toBe(250);
    expect(signedInAtMs({ createdAtMs: 300, confirmedAtMs: 250 })).toBe(300);
    expect(signedInAtMs({ createdAtMs: 300, confirmedAtMs: 300 })).toBe(300);
    expect(isRecentSignIn({ kind: 'session', createdAtMs: NOW - 1_000, confirmedAtMs: NOW - 3_600_000 }, NOW, WINDOW)).toBe(true);
  });

  it('when the login is stamped a little in the future (another instance\'s clock), it counts as recent', () => {
    expect(isRecentSignIn({ kind: 'session', createdAtMs: NOW + 2_000 }, NOW, WINDOW)).toBe(true);
  });

  it('an access token is never a recent sign-in, however new', () => {
    expect(isRecentSignIn({ kind: 'personal', createdAtMs: NOW }, NOW, WINDOW)).toBe(false);
    expect(isRecentSignIn({ kind: 'personal', createdAtMs: NOW, confirmedAtMs: NOW }, NOW, WINDOW)).toBe(false);
    expect(isRecentSignIn({ kind: '', createdAtMs: NOW }, NOW, WINDOW)).toBe(false);
  });

  it('requireRecentSignIn passes a recent session and throws 403 recent_sign_in_required otherwise', () => {
    expect(() => requireRecentSignIn({ kind: 'session', createdAtMs: NOW - 1_000 }, NOW, WINDOW)).not.toThrow();
    let thrown: unknown;
    try {
      requireRecentSignIn({ kind: 'session', createdAtMs: NOW - 700_000 }, NOW, WINDOW);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(RecentSignInRequiredError);
    expect(thrown).toBeInstanceOf(ForbiddenError);
    expect(thrown).toMatchObject({ status: 403, code: 'recent_sign_in_required' });
    expect((thrown as Error).message).toMatch(/confirm/i);
    expect(() => requireRecentSignIn({ kind: 'personal', createdAtMs: NOW }, NOW, WINDOW)).toThrow(RecentSignInRequiredError);
  });
});
