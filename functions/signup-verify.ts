import { httpRoute } from '../lib/http/handler';
import { json } from '../lib/http/responses';
import { argon2Hasher } from '../lib/identity/argon2-runtime';
import { identityAccounts } from '../lib/identity/accounts-runtime';
import { verifySignupRoute } from '../lib/identity/schemas';

export const handler = httpRoute(verifySignupRoute, async (request) => {
  await identityAccounts({ hasher: argon2Hasher() }).verifyEmail(request.input.body, request.sourceIp);
  return json(200, { status: 'verified' });
});
