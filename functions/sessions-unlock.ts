import { httpRoute } from '../lib/http/handler';
import { json } from '../lib/http/responses';
import { identityMailer } from '../lib/identity/mail-runtime';
import { identityAccounts, NO_HASHING } from '../lib/identity/accounts-runtime';
import { unlockSessionsRoute } from '../lib/identity/schemas';

export const handler = httpRoute(unlockSessionsRoute, async (request) => {
  await identityAccounts({ hasher: NO_HASHING, mailer: identityMailer() }).requestUnlock(request.input.body, request.sourceIp);
  return json(202, { status: 'code_sent' });
});
