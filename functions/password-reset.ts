import { httpHandler } from '../lib/http/handler';
import { noContent } from '../lib/http/responses';
import { PASSWORD_BODY_LIMIT } from '../lib/identity/http';
import { argon2Hasher } from '../lib/identity/argon2-runtime';
import { identityAccounts } from '../lib/identity/accounts-runtime';
import { newPasswordRules } from '../lib/identity/new-password-rules';

export const handler = httpHandler({ body: 'json', maxBodyBytes: PASSWORD_BODY_LIMIT }, async (request) => {
  await identityAccounts(argon2Hasher(), newPasswordRules).resetPassword(request.body as Record<string, unknown>, request.sourceIp);
  return noContent();
});
