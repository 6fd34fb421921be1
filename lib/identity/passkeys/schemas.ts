import * as z from 'zod/mini';
import { codedField, defineRoute, withMeta } from '../../http/contract';
import { errorBody } from '../../http/fields';
import { INVALID_REQUEST, printableName, recentSignInRequired, sessionRequired } from '../schema-fields';
import { issuedSession } from '../views';

/** The contract of the passkey routes (API.md "Passkeys, authenticator apps and recent sign-in"). */
export const MAX_PASSKEY_NAME_LENGTH = 64;
const WEBAUTHN_BODY_LIMIT = 16 * 1024;

/** A WebAuthn response as the browser library sends it (`RegistrationResponseJSON` / `AuthenticationResponseJSON`); the library verifies the rest. */
const webauthnResponse = (description: string) =>
  codedField(
    withMeta(
      z.looseObject({
        id: z.string().check(z.minLength(1), z.maxLength(1400)),
        rawId: z.string().check(z.maxLength(1400)),
        type: z.literal('public-key'),
        response: z.looseObject({ clientDataJSON: z.string().check(z.maxLength(4096)) }),
      }),
      { description },
    ),
    INVALID_REQUEST,
  );

const passkeyName = printableName(MAX_PASSKEY_NAME_LENGTH, `what the person calls it ("Work laptop"); at most ${MAX_PASSKEY_NAME_LENGTH} printable characters`);

export const registerPasskeyBody = z.object({ name: passkeyName, response: webauthnResponse('RegistrationResponseJSON') });
export const passkeySignInBody = z.object({
  challengeId: codedField(z.string().check(z.minLength(16), z.maxLength(128)), INVALID_REQUEST),
  response: webauthnResponse('AuthenticationResponseJSON'),
});

const passkeySummary = z.object({ id: z.string(), name: z.string(), createdAt: z.string(), lastUsedAt: z.nullable(z.string()) });
const options = (what: string) => withMeta(z.looseObject({ challenge: z.string() }), { description: what });

export const passkeyRegistrationOptionsRoute = defineRoute({
  id: 'passkeyRegistrationOptions',
  method: 'POST',
  path: '/v1/passkeys/registration-options',
  tag: 'identity',
  summary: 'Begin adding a passkey: WebAuthn creation options (discoverable credential; the challenge works once, for 5 minutes)',
  auth: 'session',
  responses: {
    200: { description: '`PublicKeyCredentialCreationOptionsJSON`', schema: options('PublicKeyCredentialCreationOptionsJSON') },
    403: recentSignInRequired,
  },
});

export const registerPasskeyRoute = defineRoute({
  id: 'registerPasskey',
  method: 'POST',
  path: '/v1/passkeys',
  tag: 'identity',
  summary: "Add the passkey the authenticator created; the owner is mailed",
  auth: 'session',
  body: { mode: 'json', schema: registerPasskeyBody, maxBytes: WEBAUTHN_BODY_LIMIT },
  responses: {
    201: { description: 'Added', schema: z.object({ id: z.string(), name: z.string(), createdAt: z.string() }) },
    400: { description: '`invalid_passkey`: the response does not answer a live challenge of the caller, or does not verify; `invalid_name`; `too_many_passkeys`', schema: errorBody },
    403: sessionRequired,
  },
});

export const listPasskeysRoute = defineRoute({
  id: 'listPasskeys',
  method: 'GET',
  path: '/v1/passkeys',
  tag: 'identity',
  summary: "The caller's passkeys",
  auth: 'bearer',
  responses: { 200: { description: 'Oldest first', schema: z.object({ passkeys: z.array(passkeySummary) }) } },
});

export const deletePasskeyRoute = defineRoute({
  id: 'deletePasskey',
  method: 'DELETE',
  path: '/v1/passkeys/{id}',
  tag: 'identity',
  summary: 'Remove a passkey; the owner is mailed',
  auth: 'session',
  params: z.object({ id: z.string() }),
  responses: {
    204: { description: 'Removed' },
    403: recentSignInRequired,
    404: { description: "`not_found`: not one of the caller's passkeys", schema: errorBody },
  },
});

export const passkeySignInOptionsRoute = defineRoute({
  id: 'passkeySignInOptions',
  method: 'POST',
  path: '/v1/sessions/passkey-options',
  tag: 'identity',
  summary: 'Begin signing in with a passkey: WebAuthn request options, no allowCredentials (the authenticator offers the account)',
  auth: 'none',
  responses: {
    200: { description: 'The challenge works once, for 5 minutes', schema: z.object({ challengeId: z.string(), options: options('PublicKeyCredentialRequestOptionsJSON (userVerification required)') }) },
  },
});

export const passkeySignInRoute = defineRoute({
  id: 'signInWithPasskey',
  method: 'POST',
  path: '/v1/sessions/passkey',
  tag: 'identity',
  summary: 'Sign in with a passkey: a session, no password, no second factor, not held back by the password throttle',
  auth: 'none',
  body: { mode: 'json', schema: passkeySignInBody, maxBytes: WEBAUTHN_BODY_LIMIT },
  responses: {
    201: { description: 'A new session', schema: issuedSession },
    400: { description: '`invalid_request`', schema: errorBody },
    401: { description: '`invalid_credentials`: any failure (unknown, used or expired challenge; unknown passkey; wrong origin or RP id; no user verification; bad signature; counter)', schema: errorBody },
  },
});
