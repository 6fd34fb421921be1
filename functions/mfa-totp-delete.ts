import { httpRoute } from '../lib/http/handler';
import { noContent } from '../lib/http/responses';
import { authenticateRecentSignIn } from '../lib/identity/authenticate';
import { identityMailer } from '../lib/identity/mail-runtime';
import { mfa } from '../lib/identity/mfa/runtime';
import { deleteTotpRoute } from '../lib/identity/mfa/schemas';
import { UnauthorizedError } from '../lib/platform/errors';

export const handler = httpRoute(deleteTotpRoute, { authenticate: (r) => authenticateRecentSignIn(r, { withUser: true }) }, async (request) => {
  const user = request.auth.user;
  if (!user) throw new UnauthorizedError();
  await mfa({ mailer: identityMailer() }).disableTotp({ userId: user.userId, email: user.email });
  return noContent();
});
