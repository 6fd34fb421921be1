import { httpRoute } from '../lib/http/handler';
import { noContent } from '../lib/http/responses';
import { authenticateRecentSignIn } from '../lib/identity/authenticate';
import { argon2Hasher } from '../lib/identity/argon2-runtime';
import { identityAccounts } from '../lib/identity/accounts-runtime';
import { newPasswordRules } from '../lib/identity/new-password-rules';
import { changePasswordRoute } from '../lib/identity/schemas';

export const handler = httpRoute(changePasswordRoute, { authenticate: (r) => authenticateRecentSignIn(r, { withUser: true }) }, async (request) => {
  const auth = request.auth;
  await identityAccounts({ hasher: argon2Hasher(), newPasswords: newPasswordRules }).changePassword(auth, request.input.body, request.sourceIp);
  return noContent();
});
