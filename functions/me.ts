import { httpHandler } from '../lib/http/handler';
import { json } from '../lib/http/responses';
import { authenticateWithProfile } from '../lib/identity/authenticate';
import { accountView } from '../lib/identity/accounts';

/** One DynamoDB request: the token, the revocation mark and the user item are read together. */
export const handler = httpHandler({}, async (request) => {
  const auth = await authenticateWithProfile(request, true);
  return json(200, accountView(auth.user!));
});
