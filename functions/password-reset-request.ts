import { httpHandler } from '../lib/http/handler';
import { json } from '../lib/http/responses';
import { identityAccounts } from '../lib/identity/runtime';

export const handler = httpHandler({ body: 'json', maxBodyBytes: 4 * 1024 }, async (request) => {
  await identityAccounts().requestReset(request.body as Record<string, unknown>, request.sourceIp);
  return json(202, { status: 'reset_sent' });
});
