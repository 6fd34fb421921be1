import { connections } from '../lib/connections/runtime';
import { createConnectionRoute } from '../lib/connections/schemas';
import { httpRoute } from '../lib/http/handler';
import { json } from '../lib/http/responses';
import { authenticateRecentSignIn } from '../lib/identity/authenticate';

export const handler = httpRoute(createConnectionRoute, { authenticate: (r) => authenticateRecentSignIn(r) }, async (request) => {
  const { userId } = request.auth;
  return json(201, await connections().beginConnect(userId, request.input.body));
});
