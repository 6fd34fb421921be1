import { httpRoute } from '../lib/http/handler';
import { json } from '../lib/http/responses';
import { identityMailer } from '../lib/identity/mail-runtime';
import { identityAccounts, NO_HASHING } from '../lib/identity/accounts-runtime';
import { requestPasswordResetRoute } from '../lib/identity/schemas';

export const handler = httpRoute(requestPasswordResetRoute, async (request) => {
  await identityAccounts({ hasher: NO_HASHING, mailer: identityMailer() }).requestReset(request.input.body, request.sourceIp);
  return json(202, { status: 'reset_sent' });
});
