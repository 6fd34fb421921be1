import { connections } from '../lib/connections/runtime';
import { httpHandler } from '../lib/http/handler';

/** The browser returns from the provider; it is only ever redirected to the stage's app URL. */
export const handler = httpHandler({}, async (request) => {
  const { location, cookie } = await connections().callback(request.query, request.headers.cookie);
  return { statusCode: 302, headers: { Location: location, 'Set-Cookie': cookie, 'Referrer-Policy': 'no-referrer' } };
});
