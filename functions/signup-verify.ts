import { httpHandler } from '../lib/http/handler';
import { json } from '../lib/http/responses';
import { identityAccounts, NO_HASHING } from '../lib/identity/accounts-runtime';

export const handler = httpHandler({ body: 'json', maxBodyBytes: 4 * 1024 }, async (request) => {
  await identityAccounts(NO_HASHING).verifyEmail(request.body as Record<string, unknown>);
  return json(200, { status: 'verified' });
});
