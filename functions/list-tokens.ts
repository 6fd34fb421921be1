import { httpHandler } from '../lib/http/handler';
import { json } from '../lib/http/responses';
import { authenticateWithProfile } from '../lib/identity/authenticate';
import { identityTokens } from '../lib/identity/runtime';

export const handler = httpHandler({}, async (request) => {
  const auth = await authenticateWithProfile(request, false);
  return json(200, await identityTokens().list(auth, request.query));
});
