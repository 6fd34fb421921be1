import { httpHandler } from '../lib/http/handler';
import { json } from '../lib/http/responses';
import { identityTokens } from '../lib/identity/runtime';

/** RFC 7009: 200 whether or not the token was valid, so the endpoint reveals nothing. */
export const handler = httpHandler({ body: 'form', maxBodyBytes: 4 * 1024 }, async (request) => {
  const body = (request.body ?? {}) as Record<string, string>;
  await identityTokens().revokePresented(body.token);
  return json(200, {});
});
