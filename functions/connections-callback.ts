import { connections } from '../lib/connections/runtime';
import { connectCallbackRoute } from '../lib/connections/schemas';
import { httpRoute } from '../lib/http/handler';

/** The browser returns from the provider; it is only ever redirected to the stage's app URL. */
export const handler = httpRoute(connectCallbackRoute, async (request) => {
  const { location, cookie } = await connections().callback(request.input.query, request.headers.cookie);
  return { statusCode: 302, headers: { Location: location, 'Set-Cookie': cookie, 'Referrer-Policy': 'no-referrer' } };
});
