import { httpRoute } from '../lib/http/handler';
import { json } from '../lib/http/responses';
import { authenticateRecentSignIn } from '../lib/identity/authenticate';
import { mfaVault } from '../lib/identity/mfa/vault-runtime';
import { mfa } from '../lib/identity/mfa/runtime';
import { enrolTotpRoute } from '../lib/identity/mfa/schemas';
import { UnauthorizedError } from '../lib/platform/errors';

export const handler = httpRoute(enrolTotpRoute, { authenticate: (r) => authenticateRecentSignIn(r, { withUser: true }) }, async (request) => {
  const user = request.auth.user;
  if (!user) throw new UnauthorizedError();
  return json(201, await mfa({ vault: mfaVault() }).enrolTotp({ userId: user.userId, email: user.email }));
});
