import { ForbiddenError } from '../platform/errors';
import type { Authenticated } from '../identity/tokens';

/** Export and deletion take a login session (a person who just signed in), never an access token. */
export function requireSession(auth: Authenticated): Authenticated {
  if (auth.kind !== 'session') {
    throw new ForbiddenError('session_required', 'Sign in to do this: an access token cannot export or delete the account.');
  }
  return auth;
}
