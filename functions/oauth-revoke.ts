import { httpRoute } from '../lib/http/handler';
import { json } from '../lib/http/responses';
import { identityTokens } from '../lib/identity/runtime';
import { oauthRevokeRoute } from '../lib/identity/schemas';

/** RFC 7009: 200 whether or not the token was valid, so the endpoint reveals nothing. */
export const handler = httpRoute(oauthRevokeRoute, async (request) => {
  await identityTokens().revokePresented(request.input.body.token);
  return json(200, {});
});
