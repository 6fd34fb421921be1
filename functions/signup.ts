import { httpHandler } from '../lib/http/handler';
import { json } from '../lib/http/responses';
import { argon2Hasher } from '../lib/identity/argon2-runtime';
import { identityAccounts } from '../lib/identity/accounts-runtime';
import { newPasswordRules } from '../lib/identity/new-password-rules';
import { PASSWORD_BODY_LIMIT } from '../lib/identity/http';

export const handler = httpHandler({ body: 'json', maxBodyBytes: PASSWORD_BODY_LIMIT }, async (request) => {
  await identityAccounts(argon2Hasher(), newPasswordRules).signup(request.body as Record<string, unknown>, request.sourceIp);
  return json(202, { status: 'verification_sent' });
});
