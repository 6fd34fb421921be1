import { httpRoute } from '../lib/http/handler';
import { noContent } from '../lib/http/responses';
import { argon2Hasher } from '../lib/identity/argon2-runtime';
import { authenticateWithProfile } from '../lib/identity/authenticate';
import { identityMailer } from '../lib/identity/mail-runtime';
import { mfaVault } from '../lib/identity/mfa/vault-runtime';
import { mfa, sessionConfirmations } from '../lib/identity/mfa/runtime';
import { confirmSessionRoute } from '../lib/identity/mfa/schemas';

export const handler = httpRoute(confirmSessionRoute, { authenticate: (r) => authenticateWithProfile(r, true) }, async (request) => {
  await sessionConfirmations(argon2Hasher(), mfa({ vault: mfaVault(), mailer: identityMailer() })).confirm(request.auth, request.input.body, request.sourceIp);
  return noContent();
});
