import * as z from 'zod/mini';
import { codedField, withMeta } from '../http/contract';
import { domainRule, errorBody } from '../http/fields';
import { BadRequestError } from '../platform/errors';
import { normalisePassword } from './password-policy';

/**
 * The fields and answer rows the identity route contracts share (lib/identity/schemas.ts, its
 * mfa/ and passkeys/ parts): one definition each, so the routes describe them alike.
 */

/**
 * Body limit of the routes that take a password. Large enough that an oversized password reaches
 * the policy and is refused with a 400 `password_too_long` (a 1 MB password included) rather than
 * a bare 413, small enough to bound the JSON parse; the policy refuses anything over 1,024 UTF-16
 * units before normalising or hashing.
 */
export const PASSWORD_BODY_LIMIT = 2 * 1024 * 1024;
export const SMALL_BODY_LIMIT = 4 * 1024;

export const INVALID_REQUEST = { missing: 'invalid_request', invalid: 'invalid_request' } as const;

/** A password as received: a string, bounded and NFKC-normalised by the policy's first step. */
export const password = (field: string) =>
  codedField(
    z.pipe(withMeta(z.string(), { format: 'password', maxLength: 256 }), z.transform(domainRule((value: string) => normalisePassword(value, field)))),
    INVALID_REQUEST,
  );

/**
 * An optional name a person gives (an account's display name, a passkey's): null when absent or
 * blank; NFC, trimmed, at most `max` printable characters, else 400 `invalid_name`.
 */
export const printableName = (max: number, description: string) =>
  codedField(
    withMeta(
      z.nullish(
        z.pipe(
          z.string(),
          z.transform(
            domainRule((value: string) => {
              const name = value.normalize('NFC').trim();
              if (name.length === 0) return null;
              if ([...name].length > max || /[\u0000-\u001f\u007f-\u009f]/.test(name)) {
                throw new BadRequestError('invalid_name', `name must be at most ${max} printable characters.`);
              }
              return name;
            }),
          ),
        ),
      ),
      { description },
    ),
    { invalid: 'invalid_request' },
  );

/** A second factor as typed (checked by lib/identity/mfa): bounded here, judged there. */
export const factorCode = (description: string) => withMeta(z.nullish(codedField(z.string().check(z.maxLength(64)), INVALID_REQUEST)), { description });
export const otpField = factorCode('the current 6-digit code of the authenticator app');

/** A 429 answer: `code`, with the delay in Retry-After. */
export const tooMany = (code: string) => ({ description: `\`${code}\`; retry after the delay`, schema: errorBody, headers: { 'Retry-After': 'seconds to wait' } });

/** What 403 `recent_sign_in_required` means (lib/identity/recent-sign-in.ts). */
export const RECENT_SIGN_IN = '`recent_sign_in_required`: the session was not created or confirmed (POST /v1/sessions/confirm) in the last RECENT_SIGN_IN_SECONDS';

/** The 403 of a route that takes a login session only, and a recent one. */
export const recentSignInRequired = { description: `${RECENT_SIGN_IN}; \`session_required\`: an access token`, schema: errorBody };

/** The 403 of a route that takes a login session only (authenticate's `session` mode). */
export const sessionRequired = { description: '`session_required`: an access token', schema: errorBody };
