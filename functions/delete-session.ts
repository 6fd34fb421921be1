import { httpRoute } from '../lib/http/handler';
import { noContent } from '../lib/http/responses';
import { authenticateWithProfile } from '../lib/identity/authenticate';
import { identityTokens } from '../lib/identity/runtime';
import { deleteSessionRoute } from '../lib/identity/schemas';

export const handler = httpRoute(deleteSessionRoute, { authenticate: (r) => authenticateWithProfile(r, false, { touch: false }) }, async (request) => {
  const auth = request.auth;
  await identityTokens().revokeCurrent(auth);
  return noContent();
});
