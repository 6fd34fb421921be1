import { httpHandler } from '../lib/http/handler';
import { json } from '../lib/http/responses';
import { authenticateWithProfile } from '../lib/identity/authenticate';
import { identityTokens } from '../lib/identity/runtime';

export const handler = httpHandler({ body: 'json', maxBodyBytes: 4 * 1024 }, async (request) => {
  const auth = await authenticateWithProfile(request, false);
  const issued = await identityTokens().createPersonalToken(auth, request.body as Record<string, unknown>);
  return json(201, issued);
});
