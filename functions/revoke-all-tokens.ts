import { httpHandler } from '../lib/http/handler';
import { noContent } from '../lib/http/responses';
import { authenticateWithProfile } from '../lib/identity/authenticate';
import { identityTokens } from '../lib/identity/runtime';

export const handler = httpHandler({}, async (request) => {
  const auth = await authenticateWithProfile(request, true, { touch: false });
  await identityTokens().revokeAll(auth);
  return noContent();
});
