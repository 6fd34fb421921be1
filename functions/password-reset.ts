import { httpRoute } from '../lib/http/handler';
import { noContent } from '../lib/http/responses';
import { argon2Hasher } from '../lib/identity/argon2-runtime';
import { identityAccounts } from '../lib/identity/accounts-runtime';
import { newPasswordRules } from '../lib/identity/new-password-rules';
import { resetPasswordRoute } from '../lib/identity/schemas';

export const handler = httpRoute(resetPasswordRoute, async (request) => {
  await identityAccounts({ hasher: argon2Hasher(), newPasswords: newPasswordRules }).resetPassword(request.input.body, request.sourceIp);
  return noContent();
});
