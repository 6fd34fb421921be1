import { httpRoute } from '../lib/http/handler';
import { json } from '../lib/http/responses';
import { authenticateWithProfile } from '../lib/identity/authenticate';
import { accountView } from '../lib/identity/accounts';
import { meRoute } from '../lib/identity/schemas';

/** One DynamoDB request: the token, the revocation mark and the user item are read together. */
export const handler = httpRoute(meRoute, { authenticate: (r) => authenticateWithProfile(r, true) }, async (request) => {
  const auth = request.auth;
  return json(200, accountView(auth.user!));
});
