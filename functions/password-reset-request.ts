import { httpHandler } from '../lib/http/handler';
import { json } from '../lib/http/responses';
import { identityAccounts, NO_HASHING } from '../lib/identity/accounts-runtime';

export const handler = httpHandler({ body: 'json', maxBodyBytes: 4 * 1024 }, async (request) => {
  await identityAccounts(NO_HASHING).requestReset(request.body as Record<string, unknown>, request.sourceIp);
  return json(202, { status: 'reset_sent' });
});
