import { connections } from '../lib/connections/runtime';
import { startConnectRoute } from '../lib/connections/schemas';
import { httpRoute } from '../lib/http/handler';

/** The browser's first stop: bind the connect transaction to it (cookie), then on to the provider. */
export const handler = httpRoute(startConnectRoute, async (request) => {
  const { location, cookie } = await connections().start(request.input.query.state);
  return { statusCode: 302, headers: { Location: location, ...(cookie ? { 'Set-Cookie': cookie } : {}) } };
});
