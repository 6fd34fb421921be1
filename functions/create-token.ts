import { httpRoute } from '../lib/http/handler';
import { json } from '../lib/http/responses';
import { authenticateWithProfile } from '../lib/identity/authenticate';
import { identityTokens } from '../lib/identity/runtime';
import { createTokenRoute } from '../lib/identity/schemas';

export const handler = httpRoute(createTokenRoute, { authenticate: (r) => authenticateWithProfile(r, false) }, async (request) => {
  const auth = request.auth;
  const issued = await identityTokens().createPersonalToken(auth, request.input.body);
  return json(201, issued);
});
