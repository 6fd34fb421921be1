import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import { httpRoute } from '../lib/http/handler';
import { json } from '../lib/http/responses';
import { authenticateWithProfile } from '../lib/identity/authenticate';
import { identityMailer } from '../lib/identity/mail-runtime';
import { passkeys } from '../lib/identity/passkeys/runtime';
import { registerPasskeyRoute } from '../lib/identity/passkeys/schemas';
import { ForbiddenError, UnauthorizedError } from '../lib/platform/errors';

export const handler = httpRoute(registerPasskeyRoute, { authenticate: (r) => authenticateWithProfile(r, true) }, async (request) => {
  const { user, kind } = request.auth;
  if (kind !== 'session') throw new ForbiddenError('session_required', 'Passkeys are added from a login session, not with an access token.');
  if (!user) throw new UnauthorizedError();
  const body = request.input.body;
  return json(201, await passkeys({ mailer: identityMailer() }).register(user, { name: body.name, response: body.response as unknown as RegistrationResponseJSON }));
});
