import { httpRoute } from '../lib/http/handler';
import { noContent } from '../lib/http/responses';
import { authenticateWithProfile } from '../lib/identity/authenticate';
import { identityTokens } from '../lib/identity/runtime';
import { deleteTokenRoute } from '../lib/identity/schemas';

export const handler = httpRoute(deleteTokenRoute, { authenticate: (r) => authenticateWithProfile(r, false, { touch: false }) }, async (request) => {
  const auth = request.auth;
  await identityTokens().revoke(auth, request.input.params.id);
  return noContent();
});
