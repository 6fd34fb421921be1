import { httpRoute } from '../lib/http/handler';
import { json } from '../lib/http/responses';
import { authenticateRecentSignIn } from '../lib/identity/authenticate';
import { identityTokens } from '../lib/identity/runtime';
import { createTokenRoute } from '../lib/identity/schemas';

export const handler = httpRoute(createTokenRoute, { authenticate: (r) => authenticateRecentSignIn(r, { accessTokens: 'session_required' }) }, async (request) => {
  const auth = request.auth;
  const issued = await identityTokens().createPersonalToken(auth, request.input.body);
  return json(201, issued);
});
