import { httpRoute } from '../lib/http/handler';
import { noContent } from '../lib/http/responses';
import { authenticateRecentSignIn } from '../lib/identity/authenticate';
import { identityMailer } from '../lib/identity/mail-runtime';
import { passkeyRecordsRuntime } from '../lib/identity/passkeys/records-runtime';
import { deletePasskeyRoute } from '../lib/identity/passkeys/schemas';
import { UnauthorizedError } from '../lib/platform/errors';

export const handler = httpRoute(deletePasskeyRoute, { authenticate: (r) => authenticateRecentSignIn(r, { withUser: true }) }, async (request) => {
  if (!request.auth.user) throw new UnauthorizedError();
  await passkeyRecordsRuntime({ mailer: identityMailer() }).remove(request.auth.user, request.input.params.id);
  return noContent();
});
