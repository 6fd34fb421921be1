import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { httpRoute } from '../lib/http/handler';
import { json } from '../lib/http/responses';
import { identityAccounts, NO_HASHING } from '../lib/identity/accounts-runtime';
import { passkeys } from '../lib/identity/passkeys/runtime';
import { passkeySignInRoute } from '../lib/identity/passkeys/schemas';
import { countMetric } from '../lib/platform/metrics';

const signIn = (userId: string, email: string, ip: string) => identityAccounts({ hasher: NO_HASHING }).signInWithPasskey(userId, email, ip);

export const handler = httpRoute(passkeySignInRoute, async (request) => {
  const body = request.input.body;
  const session = await passkeys({ signIn }).signIn({ challengeId: body.challengeId, response: body.response as unknown as AuthenticationResponseJSON }, request.sourceIp);
  countMetric('LoginSucceeded');
  return json(201, { token: session.token, tokenId: session.id, expiresAt: session.expiresAt });
});
