import { connectSteps } from '../lib/connections/connect-runtime';
import { createConnectionRoute } from '../lib/connections/schemas';
import { httpRoute } from '../lib/http/handler';
import { json } from '../lib/http/responses';
import { authenticateRecentSignIn } from '../lib/identity/authenticate';

export const handler = httpRoute(createConnectionRoute, { authenticate: (r) => authenticateRecentSignIn(r) }, async (request) => {
  const { userId } = request.auth;
  // The binding cookie goes to the browser that asked (the account page's fetch); the link works only there.
  const { connectUrl, expiresAt, cookie } = await connectSteps().beginConnect(userId, request.input.body);
  return json(201, { connectUrl, expiresAt }, { 'Set-Cookie': cookie });
});
