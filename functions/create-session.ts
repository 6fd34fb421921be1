import { httpHandler } from '../lib/http/handler';
import { json } from '../lib/http/responses';
import { argon2Hasher } from '../lib/identity/argon2-runtime';
import { identityAccounts } from '../lib/identity/accounts-runtime';
import { PASSWORD_BODY_LIMIT } from '../lib/identity/http';
import { TooManyRequestsError, UnauthorizedError } from '../lib/platform/errors';
import { countMetric } from '../lib/platform/metrics';

export const handler = httpHandler({ body: 'json', maxBodyBytes: PASSWORD_BODY_LIMIT }, async (request) => {
  let session;
  try {
    session = await identityAccounts(argon2Hasher()).login(request.body as Record<string, unknown>, request.sourceIp);
  } catch (error) {
    if (error instanceof TooManyRequestsError) countMetric('LoginThrottled');
    else if (error instanceof UnauthorizedError) countMetric('LoginFailed');
    throw error;
  }
  countMetric('LoginSucceeded');
  return json(201, { token: session.token, tokenId: session.id, expiresAt: session.expiresAt });
});
