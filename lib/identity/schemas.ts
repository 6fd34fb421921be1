import * as z from 'zod/mini';
import { codedField, defineRoute, withMeta } from '../http/contract';
import { domainRule, emailAddress, errorBody } from '../http/fields';
import { factorCode, INVALID_REQUEST, otpField, password, PASSWORD_BODY_LIMIT, printableName, RECENT_SIGN_IN, SMALL_BODY_LIMIT, tooMany } from './schema-fields';
import { decodeCursor, MAX_TOKEN_NAME_LENGTH, PERSONAL_TOKEN_MAX_DAYS, TOKEN_PAGE_MAX } from './token-limits';
import { accountView, issuedSession, issuedToken, tokenList } from './views';

export { accountView, issuedSession, issuedToken, tokenSummary } from './views';

/**
 * The contract of the identity routes (docs/contract.md). These routes have always answered a
 * missing or mistyped field with `invalid_request`, so their fields say so (`codedField`); the
 * password rules are domain functions run inside the schema (`domainRule`), and the rest of the
 * policy (length by configuration, common, breached, built from the email) stays in the service,
 * which needs the settings and the breach service.
 */

export const MAX_NAME_LENGTH = 100;

/** The email of a request: missing is `invalid_request`, anything else the one email rule's `invalid_email`. */
const email = codedField(emailAddress, { missing: 'invalid_request' });

const secretToken = codedField(withMeta(z.string(), { description: 'the hs_ token from the email' }), INVALID_REQUEST);

/** Optional display name: null when absent or blank; printable, at most 100 characters. */
const displayName = printableName(MAX_NAME_LENGTH, `shown in the app; at most ${MAX_NAME_LENGTH} printable characters`);

export const signupBody = z.object({ email, name: displayName, password: password('password') });
/** The token of a verification mail and the password chosen at the signup that mailed it. */
export const verifyBody = z.object({ token: secretToken, password: password('password') });
export const loginBody = z.object({
  email,
  password: password('password'),
  otp: otpField,
  recoveryCode: factorCode('one unused recovery code (`xxxxx-xxxxx`) instead of `otp`'),
  code: factorCode('a one-time code from POST /v1/sessions/unlock: lets this attempt through the throttle'),
});
export const unlockBody = z.object({ email });
export const changePasswordBody = z.object({ currentPassword: password('currentPassword'), newPassword: password('newPassword') });
export const resetRequestBody = z.object({ email });
export const resetBody = z.object({ token: secretToken, newPassword: password('newPassword') });
export const createTokenBody = z.object({
  name: codedField(
    withMeta(
      z.string().check(
        z.trim(),
        z.minLength(1),
        z.maxLength(MAX_TOKEN_NAME_LENGTH),
        z.refine((value) => !/[\u0000-\u001f\u007f]/.test(value), { message: 'must not contain control characters' }),
      ),
      { description: 'what the token is for', example: 'CI deploys' },
    ),
    { missing: 'invalid_request', invalid: 'invalid_request', tooLong: 'invalid_request', empty: 'invalid_request' },
  ),
  expiresInDays: withMeta(z.nullish(codedField(z.number().check(z.int(), z.gte(1), z.lte(PERSONAL_TOKEN_MAX_DAYS)), INVALID_REQUEST)), { description: 'default 90' }),
});
export type SignupInput = z.output<typeof signupBody>;
export type VerifyInput = z.output<typeof verifyBody>;
export type LoginInput = z.output<typeof loginBody>;
export type UnlockInput = z.output<typeof unlockBody>;
export type ChangePasswordInput = z.output<typeof changePasswordBody>;
export type ResetRequestInput = z.output<typeof resetRequestBody>;
export type ResetInput = z.output<typeof resetBody>;
export type CreateTokenInput = z.output<typeof createTokenBody>;

export const tokenPageQuery = z.object({
  limit: z.optional(
    codedField(
      withMeta(z.pipe(z.pipe(z.string().check(z.regex(/^\d{1,3}$/)), z.transform(Number)), z.number().check(z.int(), z.gte(1), z.lte(TOKEN_PAGE_MAX))), {
        description: `page size, 1 to ${TOKEN_PAGE_MAX} (default 50)`,
      }),
      INVALID_REQUEST,
    ),
  ),
  cursor: z.optional(codedField(withMeta(z.pipe(z.string(), z.transform(domainRule(decodeCursor))), { description: 'nextCursor of the previous page' }), INVALID_REQUEST)),
});
export type TokenPageQuery = z.output<typeof tokenPageQuery>;

/** RFC 7009: `token` (and an ignored `token_type_hint`); anything else about it is answered 200 alike. */
export const oauthRevokeBody = z.object({ token: z.optional(z.string()), token_type_hint: z.optional(z.string()) });

const status = <S extends string>(value: S) => z.object({ status: z.literal(value) });
const badPassword = '`password_too_short`, `password_too_long`, `password_common`, `password_breached`, … (the policy), or `invalid_request`';

export const signupRoute = defineRoute({
  id: 'signup',
  method: 'POST',
  path: '/v1/signup',
  tag: 'identity',
  summary: 'Create an account; a verification email follows',
  auth: 'none',
  body: { mode: 'json', schema: signupBody, maxBytes: PASSWORD_BODY_LIMIT },
  responses: {
    202: { description: 'The same answer whether or not the email is registered', schema: status('verification_sent') },
    400: { description: `\`invalid_email\`, \`invalid_name\`, ${badPassword}`, schema: errorBody },
    429: tooMany('too_many_requests'),
  },
});

export const verifySignupRoute = defineRoute({
  id: 'verifySignup',
  method: 'POST',
  path: '/v1/signup/verify',
  tag: 'identity',
  summary: 'Confirm the email address with the token it received and the password chosen at that signup',
  auth: 'none',
  body: { mode: 'json', schema: verifyBody, maxBytes: PASSWORD_BODY_LIMIT },
  responses: {
    200: { description: 'Verified', schema: status('verified') },
    400: { description: '`invalid_token`: one body for an unknown, used or expired token and for a password that is not the one chosen with it; `invalid_request`', schema: errorBody },
    429: tooMany('too_many_attempts'),
  },
});

export const createSessionRoute = defineRoute({
  id: 'createSession',
  method: 'POST',
  path: '/v1/sessions',
  tag: 'identity',
  summary: 'Log in: a session token',
  auth: 'none',
  body: { mode: 'json', schema: loginBody, maxBytes: PASSWORD_BODY_LIMIT },
  responses: {
    201: { description: 'A new session', schema: issuedSession },
    400: { description: '`invalid_email`, `password_too_long`, `invalid_request`', schema: errorBody },
    401: {
      description: '`invalid_credentials`: the same for an unknown email, a wrong password and an unverified account; `second_factor_required`: the right password, and the account has an authenticator app but no valid `otp` or `recoveryCode` came',
      schema: errorBody,
      headers: { 'WWW-Authenticate': 'Bearer' },
    },
    429: tooMany('too_many_attempts'),
  },
});

export const unlockSessionsRoute = defineRoute({
  id: 'unlockSessions',
  method: 'POST',
  path: '/v1/sessions/unlock',
  tag: 'identity',
  summary: 'Mail a one-time code that lets one sign-in attempt through the throttle',
  auth: 'none',
  body: { mode: 'json', schema: unlockBody, maxBytes: SMALL_BODY_LIMIT },
  responses: {
    202: { description: 'The same answer whether or not the email is registered', schema: status('code_sent') },
    400: { description: '`invalid_email`, `invalid_request`', schema: errorBody },
    429: tooMany('too_many_requests'),
  },
});

export const deleteSessionRoute = defineRoute({
  id: 'deleteCurrentSession',
  method: 'DELETE',
  path: '/v1/sessions/current',
  tag: 'identity',
  summary: 'Log out: the presented token is revoked',
  auth: 'bearer',
  responses: { 204: { description: 'Revoked' } },
});

export const changePasswordRoute = defineRoute({
  id: 'changePassword',
  method: 'POST',
  path: '/v1/password',
  tag: 'identity',
  summary: "Change the password; every other token of the caller is revoked",
  auth: 'bearer',
  body: { mode: 'json', schema: changePasswordBody, maxBytes: PASSWORD_BODY_LIMIT },
  responses: {
    204: { description: 'Changed' },
    400: { description: `the new password: ${badPassword}`, schema: errorBody },
    401: { description: '`invalid_credentials` for a wrong current password, `unauthorized` for the token', schema: errorBody, headers: { 'WWW-Authenticate': 'Bearer' } },
    403: { description: `${RECENT_SIGN_IN}; an access token never counts`, schema: errorBody },
    409: { description: '`conflict`: the password changed meanwhile; try again', schema: errorBody },
    429: tooMany('too_many_attempts'),
  },
});

export const requestPasswordResetRoute = defineRoute({
  id: 'requestPasswordReset',
  method: 'POST',
  path: '/v1/password/reset-request',
  tag: 'identity',
  summary: 'Email a single-use reset token',
  auth: 'none',
  body: { mode: 'json', schema: resetRequestBody, maxBytes: SMALL_BODY_LIMIT },
  responses: {
    202: { description: 'The same answer whether or not the email is registered', schema: status('reset_sent') },
    400: { description: '`invalid_email`, `invalid_request`', schema: errorBody },
    429: tooMany('too_many_requests'),
  },
});

export const resetPasswordRoute = defineRoute({
  id: 'resetPassword',
  method: 'POST',
  path: '/v1/password/reset',
  tag: 'identity',
  summary: 'Set a new password with a reset token; every token of the account is revoked',
  auth: 'none',
  body: { mode: 'json', schema: resetBody, maxBytes: PASSWORD_BODY_LIMIT },
  responses: {
    204: { description: 'Reset' },
    400: { description: `\`invalid_token\`, ${badPassword}`, schema: errorBody },
    409: { description: '`conflict`: the password changed meanwhile; try again', schema: errorBody },
  },
});

export const meRoute = defineRoute({
  id: 'getMe',
  method: 'GET',
  path: '/v1/me',
  tag: 'identity',
  summary: "The caller's account",
  auth: 'bearer',
  responses: { 200: { description: 'The account', schema: accountView } },
});

export const listTokensRoute = defineRoute({
  id: 'listTokens',
  method: 'GET',
  path: '/v1/tokens',
  tag: 'identity',
  summary: "The caller's active tokens (never a secret)",
  auth: 'bearer',
  query: tokenPageQuery,
  responses: {
    200: { description: 'Active tokens, newest first', schema: tokenList },
    400: { description: '`invalid_request`: a limit or cursor that is not valid', schema: errorBody },
  },
});

export const createTokenRoute = defineRoute({
  id: 'createToken',
  method: 'POST',
  path: '/v1/tokens',
  tag: 'identity',
  summary: 'Create a personal access token',
  auth: 'session',
  body: { mode: 'json', schema: createTokenBody, maxBytes: SMALL_BODY_LIMIT },
  responses: {
    201: { description: 'The only time the secret is shown', schema: issuedToken },
    400: { description: '`invalid_request`', schema: errorBody },
    403: { description: `\`session_required\`: an access token cannot mint tokens; ${RECENT_SIGN_IN}`, schema: errorBody },
    409: { description: '`too_many_tokens`: the account holds 50 active access tokens (revoke one first); `conflict`: creations raced, try again', schema: errorBody },
  },
});

export const deleteTokenRoute = defineRoute({
  id: 'deleteToken',
  method: 'DELETE',
  path: '/v1/tokens/{id}',
  tag: 'identity',
  summary: 'Revoke one of the caller\'s tokens',
  auth: 'bearer',
  // Any id: one that is not the caller's, malformed or not, is the same 404.
  params: z.object({ id: z.string() }),
  responses: {
    204: { description: 'Revoked' },
    404: { description: '`not_found`: not one of the caller\'s tokens', schema: errorBody },
  },
});

export const revokeAllTokensRoute = defineRoute({
  id: 'revokeAllTokens',
  method: 'POST',
  path: '/v1/tokens/revoke-all',
  tag: 'identity',
  summary: 'Revoke every token of the caller, the presented one included',
  auth: 'bearer',
  responses: {
    204: { description: 'Revoked' },
    409: { description: '`conflict`: the credentials changed between the read and the write (a password change or another revoke-all); the presented token is revoked either way', schema: errorBody },
  },
});

export const oauthRevokeRoute = defineRoute({
  id: 'revokeOAuthToken',
  method: 'POST',
  path: '/v1/oauth/revoke',
  tag: 'identity',
  summary: 'RFC 7009 token revocation',
  auth: 'none',
  body: { mode: 'form', schema: oauthRevokeBody, maxBytes: SMALL_BODY_LIMIT },
  responses: { 200: { description: 'Always, whether or not the token was valid', schema: z.object({}) } },
});
