import { httpRoute } from '../lib/http/handler';
import { json } from '../lib/http/responses';
import { argon2Hasher } from '../lib/identity/argon2-runtime';
import { identityMailer } from '../lib/identity/mail-runtime';
import { identityAccounts } from '../lib/identity/accounts-runtime';
import { mfaVault } from '../lib/identity/mfa/vault-runtime';
import { mfa } from '../lib/identity/mfa/runtime';
import { TooManyRequestsError, UnauthorizedError } from '../lib/platform/errors';
import { countMetric } from '../lib/platform/metrics';
import { createSessionRoute } from '../lib/identity/schemas';

export const handler = httpRoute(createSessionRoute, async (request) => {
  let session;
  try {
    session = await identityAccounts({ hasher: argon2Hasher(), secondFactor: mfa({ vault: mfaVault(), mailer: identityMailer() }), mailer: identityMailer() }).login(request.input.body, request.sourceIp, request.userAgent);
  } catch (error) {
    if (error instanceof TooManyRequestsError) countMetric('LoginThrottled');
    else if (error instanceof UnauthorizedError) countMetric('LoginFailed');
    throw error;
  }
  countMetric('LoginSucceeded');
  return json(201, { token: session.token, tokenId: session.id, expiresAt: session.expiresAt });
});
