import { httpRoute } from '../lib/http/handler';
import { json } from '../lib/http/responses';
import { identityAccounts, NO_HASHING } from '../lib/identity/accounts-runtime';
import { verifySignupRoute } from '../lib/identity/schemas';

export const handler = httpRoute(verifySignupRoute, async (request) => {
  await identityAccounts(NO_HASHING).verifyEmail(request.input.body);
  return json(200, { status: 'verified' });
});
