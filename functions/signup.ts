import { httpRoute } from '../lib/http/handler';
import { json } from '../lib/http/responses';
import { argon2Hasher } from '../lib/identity/argon2-runtime';
import { identityMailer } from '../lib/identity/mail-runtime';
import { identityAccounts } from '../lib/identity/accounts-runtime';
import { newPasswordRules } from '../lib/identity/new-password-rules';
import { signupRoute } from '../lib/identity/schemas';

export const handler = httpRoute(signupRoute, async (request) => {
  await identityAccounts({ hasher: argon2Hasher(), newPasswords: newPasswordRules, mailer: identityMailer() }).signup(request.input.body, request.sourceIp);
  return json(202, { status: 'verification_sent' });
});
