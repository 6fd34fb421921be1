import * as z from 'zod/mini';
import { codedField, defineRoute, withMeta } from '../../http/contract';
import { errorBody, isoTimestamp } from '../../http/fields';
import { INVALID_REQUEST, otpField, password, PASSWORD_BODY_LIMIT, recentSignInRequired, sessionRequired, SMALL_BODY_LIMIT, tooMany } from '../schema-fields';

/**
 * The contract of recent sign-in and the authenticator app (API.md "Passkeys, authenticator apps
 * and recent sign-in"; docs/identity.md "Second factors and recent sign-in").
 */
export const confirmSessionBody = z.object({ password: z.optional(password('password')), otp: otpField });
export const confirmTotpBody = z.object({ code: codedField(withMeta(z.string().check(z.maxLength(64)), { description: 'the current 6-digit code' }), INVALID_REQUEST) });
export type ConfirmSessionInput = z.output<typeof confirmSessionBody>;

export const confirmSessionRoute = defineRoute({
  id: 'confirmSession',
  method: 'POST',
  path: '/v1/sessions/confirm',
  tag: 'identity',
  summary: 'Prove a factor again: the session counts as a recent sign-in from now',
  auth: 'session',
  body: { mode: 'json', schema: confirmSessionBody, maxBytes: PASSWORD_BODY_LIMIT, description: '`{"password"}` or `{"otp"}` (one of them)' },
  responses: {
    204: { description: 'Confirmed' },
    400: { description: '`invalid_request`: neither or both of `password` and `otp`', schema: errorBody },
    401: { description: '`invalid_credentials`: a wrong password or code', schema: errorBody, headers: { 'WWW-Authenticate': 'Bearer' } },
    403: sessionRequired,
    429: tooMany('too_many_attempts'),
  },
});

export const enrolTotpRoute = defineRoute({
  id: 'enrolTotp',
  method: 'POST',
  path: '/v1/mfa/totp',
  tag: 'identity',
  summary: 'Set up an authenticator app: a new secret, not in force until confirmed',
  auth: 'session',
  responses: {
    201: {
      description: 'RFC 6238: SHA-1, 6 digits, 30 s',
      schema: z.object({ secret: withMeta(z.string(), { description: 'base32, for typing into the app' }), otpauthUri: withMeta(z.string(), { description: 'otpauth://totp/… (the QR code)' }) }),
    },
    403: recentSignInRequired,
    409: { description: '`totp_already_enabled`: turn the app off first', schema: errorBody },
  },
});

export const confirmTotpRoute = defineRoute({
  id: 'confirmTotp',
  method: 'POST',
  path: '/v1/mfa/totp/confirm',
  tag: 'identity',
  summary: 'Turn the authenticator app on with one code; ten recovery codes, shown this once',
  auth: 'session',
  body: { mode: 'json', schema: confirmTotpBody, maxBytes: SMALL_BODY_LIMIT },
  responses: {
    200: { description: 'On; the owner is mailed', schema: z.object({ recoveryCodes: withMeta(z.array(z.string()), { description: '10 single-use codes (`xxxxx-xxxxx`)' }) }) },
    400: { description: '`invalid_code`: not the current code, or nothing pending', schema: errorBody },
    403: sessionRequired,
  },
});

export const deleteTotpRoute = defineRoute({
  id: 'deleteTotp',
  method: 'DELETE',
  path: '/v1/mfa/totp',
  tag: 'identity',
  summary: 'Turn the authenticator app off (its recovery codes with it); the owner is mailed',
  auth: 'session',
  responses: {
    204: { description: 'Off (also when it was not on)' },
    403: recentSignInRequired,
    409: { description: '`conflict`: it changed meanwhile; try again', schema: errorBody },
  },
});

export const totpStatusRoute = defineRoute({
  id: 'getTotpStatus',
  method: 'GET',
  path: '/v1/mfa/totp',
  tag: 'identity',
  summary: 'Whether the authenticator app is on',
  auth: 'bearer',
  responses: {
    200: { description: 'The status and unused recovery codes left', schema: z.object({ status: withMeta(z.string(), { description: '`off`, `pending` or `on`' }), recoveryCodesLeft: z.number() }) },
  },
});

export const securityEventsRoute = defineRoute({
  id: 'listSecurityEvents',
  method: 'GET',
  path: '/v1/me/security-events',
  tag: 'identity',
  summary: 'Changes to how the account signs in, newest first (the account page lists them)',
  auth: 'bearer',
  responses: {
    200: {
      description: 'At most 50',
      schema: z.object({
        events: z.array(
          z.object({
            at: isoTimestamp,
            event: withMeta(z.string(), { description: '`totp_enabled`, `totp_disabled`, `recovery_code_used`, `passkey_added`, `passkey_removed`; `totp_disabled_by_support`, `passkey_removed_by_support` (an engineer, with a grant and a reason: the access log names the request)' }),
            detail: withMeta(z.nullable(z.string()), { description: "a passkey's name" }),
          }),
        ),
      }),
    },
  },
});
