import { connectSteps } from '../lib/connections/connect-runtime';
import { startConnectRoute } from '../lib/connections/schemas';
import { httpRoute } from '../lib/http/handler';

/** The browser's first stop: only the browser that asked for the link (its binding cookie) goes on to the provider. */
export const handler = httpRoute(startConnectRoute, async (request) => {
  const { location } = await connectSteps().start(request.input.query.state, request.headers.cookie);
  return { statusCode: 302, headers: { Location: location, 'Referrer-Policy': 'no-referrer' } };
});
