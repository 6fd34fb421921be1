import { httpRoute } from '../lib/http/handler';
import { json } from '../lib/http/responses';
import { authenticateRecentSignIn } from '../lib/identity/authenticate';
import { passkeys } from '../lib/identity/passkeys/runtime';
import { passkeyRegistrationOptionsRoute } from '../lib/identity/passkeys/schemas';
import { UnauthorizedError } from '../lib/platform/errors';

export const handler = httpRoute(passkeyRegistrationOptionsRoute, { authenticate: (r) => authenticateRecentSignIn(r, { withUser: true }) }, async (request) => {
  if (!request.auth.user) throw new UnauthorizedError();
  return json(200, await passkeys().registrationOptions(request.auth.user));
});
