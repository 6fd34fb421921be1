import { httpRoute } from '../lib/http/handler';
import { noContent } from '../lib/http/responses';
import { authenticateWithProfile } from '../lib/identity/authenticate';
import { identityTokens } from '../lib/identity/runtime';
import { revokeAllTokensRoute } from '../lib/identity/schemas';

export const handler = httpRoute(revokeAllTokensRoute, { authenticate: (r) => authenticateWithProfile(r, true, { touch: false }) }, async (request) => {
  const auth = request.auth;
  await identityTokens().revokeAll(auth);
  return noContent();
});
