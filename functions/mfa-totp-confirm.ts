import { httpRoute } from '../lib/http/handler';
import { json } from '../lib/http/responses';
import { authenticateWithProfile } from '../lib/identity/authenticate';
import { identityMailer } from '../lib/identity/mail-runtime';
import { mfaVault } from '../lib/identity/mfa/vault-runtime';
import { mfa } from '../lib/identity/mfa/runtime';
import { confirmTotpRoute } from '../lib/identity/mfa/schemas';
import { ForbiddenError, UnauthorizedError } from '../lib/platform/errors';

export const handler = httpRoute(confirmTotpRoute, { authenticate: (r) => authenticateWithProfile(r, true) }, async (request) => {
  const { user, kind } = request.auth;
  if (kind !== 'session') throw new ForbiddenError('session_required', 'The authenticator app is set up from a login session, not with an access token.');
  if (!user) throw new UnauthorizedError();
  return json(200, await mfa({ vault: mfaVault(), mailer: identityMailer() }).confirmTotp({ userId: user.userId, email: user.email }, request.input.body.code));
});
