import type { HttpRequest } from '../http/types';
import { intEnv } from '../platform/config';
import { ForbiddenError, UnauthorizedError } from '../platform/errors';
import { nowEpochMillis } from '../platform/time';
import { DEFAULT_RECENT_SIGN_IN_SECONDS, MAX_RECENT_SIGN_IN_SECONDS, MIN_RECENT_SIGN_IN_SECONDS, requireRecentSignIn } from './recent-sign-in';
import { identityTokens } from './runtime';
import { bearerFrom, type Authenticated } from './tokens';

export type { Authenticated } from './tokens';

/**
 * The caller of an authenticated route. Throws UnauthorizedError (401) for a missing, malformed,
 * unknown, expired or revoked token, `Bearer` with no token, or two Authorization headers.
 * One strongly consistent DynamoDB read (token + the user's revocation mark), so a revocation
 * takes effect on the very next request.
 */
export async function authenticate(request: HttpRequest): Promise<{ userId: string; tokenId: string; kind: string }> {
  const { userId, tokenId, kind } = await authenticateWithProfile(request, false);
  return { userId, tokenId, kind };
}

/**
 * Undefined when the request has no Authorization header at all; otherwise as `authenticate`.
 * `touch: false` skips the last-used write (for routes that only need to know who is calling).
 */
export async function authenticateIfPresent(
  request: HttpRequest,
  options: { touch?: boolean } = {},
): Promise<{ userId: string; tokenId: string; kind: string } | undefined> {
  if (authorizationValues(request) === undefined) return undefined;
  const { userId, tokenId, kind } = await authenticateWithProfile(request, false, options);
  return { userId, tokenId, kind };
}

/**
 * As `authenticate`, optionally reading the user item in the same request (GET /v1/me), and
 * optionally without the last-used write (the revocation routes).
 */
export async function authenticateWithProfile(request: HttpRequest, withUser = true, options: { touch?: boolean } = {}): Promise<Authenticated> {
  const token = bearerFrom(authorizationValues(request) ?? []);
  if (token === undefined) throw new UnauthorizedError();
  return identityTokens().authenticateToken(token, withUser, options.touch ?? true);
}

function authorizationValues(request: HttpRequest): string[] | undefined {
  const values = request.multiHeaders.authorization ?? (request.headers.authorization !== undefined ? [request.headers.authorization] : undefined);
  return values && values.length > 0 ? values : undefined;
}

/** How long a login (or its confirmation) counts as a recent sign-in; the stage's RECENT_SIGN_IN_SECONDS. */
export const RECENT_SIGN_IN_SECONDS = intEnv('RECENT_SIGN_IN_SECONDS', DEFAULT_RECENT_SIGN_IN_SECONDS, { min: MIN_RECENT_SIGN_IN_SECONDS, max: MAX_RECENT_SIGN_IN_SECONDS });

/**
 * As `authenticateWithProfile`, for the routes that change what protects the account: the caller
 * must hold a login session created or confirmed within RECENT_SIGN_IN_SECONDS (403
 * `recent_sign_in_required`). `accessTokens: 'session_required'` answers an access token with the
 * route's older 403 `session_required` (POST /v1/tokens) instead.
 */
export async function authenticateRecentSignIn(
  request: HttpRequest,
  options: { withUser?: boolean; accessTokens?: 'session_required' } = {},
): Promise<Authenticated> {
  const auth = await authenticateWithProfile(request, options.withUser ?? false);
  if (auth.kind !== 'session' && options.accessTokens === 'session_required') {
    throw new ForbiddenError('session_required', 'Access tokens are created from a login session, not with another access token.');
  }
  requireRecentSignIn({ kind: auth.kind, createdAtMs: auth.createdAtMs ?? 0, confirmedAtMs: auth.confirmedAtMs }, nowEpochMillis(), RECENT_SIGN_IN_SECONDS);
  return auth;
}
