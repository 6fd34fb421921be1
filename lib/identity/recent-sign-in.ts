import { ForbiddenError } from '../platform/errors';

/**
 * Recent sign-in ("sudo"): changes that matter (a new access token, a new password, a connected
 * social account, adding or removing a passkey, turning the authenticator app on or off) need a
 * login session created or confirmed (POST /v1/sessions/confirm) within the window. A stolen
 * session that is hours old cannot be turned into a lasting foothold without the password or a
 * second factor; an access token never counts (nobody signed in to make it do this).
 */
export const DEFAULT_RECENT_SIGN_IN_SECONDS = 600;
export const MIN_RECENT_SIGN_IN_SECONDS = 1;
export const MAX_RECENT_SIGN_IN_SECONDS = 86_400;

export interface SessionTimes {
  /** The API's kind name: `session` (a login) or `personal` (an access token). */
  kind: string;
  createdAtMs: number;
  /** The last POST /v1/sessions/confirm of this session, if any. */
  confirmedAtMs?: number;
}

/** When the holder of this session last proved a factor: its login or its latest confirmation. */
export function signedInAtMs(session: Pick<SessionTimes, 'createdAtMs' | 'confirmedAtMs'>): number {
  return session.confirmedAtMs !== undefined && session.confirmedAtMs > session.createdAtMs ? session.confirmedAtMs : session.createdAtMs;
}

/**
 * True when the session is a login session whose last proof is less than `windowSeconds` old.
 * A proof stamped slightly in the future (another instance's clock) counts as recent.
 */
export function isRecentSignIn(session: SessionTimes, nowMs: number, windowSeconds: number): boolean {
  if (session.kind !== 'session') return false;
  return nowMs - signedInAtMs(session) < windowSeconds * 1000;
}

export class RecentSignInRequiredError extends ForbiddenError {
  constructor() {
    super('recent_sign_in_required', 'Confirm it is you: sign in again or confirm this session with your password or a code, then retry.');
  }
}

/** Throws 403 `recent_sign_in_required` unless `isRecentSignIn`. */
export function requireRecentSignIn(session: SessionTimes, nowMs: number, windowSeconds: number): void {
  if (!isRecentSignIn(session, nowMs, windowSeconds)) throw new RecentSignInRequiredError();
}
