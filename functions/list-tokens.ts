import { httpRoute } from '../lib/http/handler';
import { json } from '../lib/http/responses';
import { authenticateWithProfile } from '../lib/identity/authenticate';
import { identityTokens } from '../lib/identity/runtime';
import { listTokensRoute } from '../lib/identity/schemas';

export const handler = httpRoute(listTokensRoute, { authenticate: (r) => authenticateWithProfile(r, false) }, async (request) => {
  const auth = request.auth;
  return json(200, await identityTokens().list(auth, request.input.query));
});
