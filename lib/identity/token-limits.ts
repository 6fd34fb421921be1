import { BadRequestError } from '../platform/errors';
import { TOKEN_ID_PATTERN } from './token-format';

/**
 * The limits of bearer tokens, a leaf module: both the route schemas (schemas.ts) and the token
 * service (tokens.ts) read them, so neither imports the other for them (issue 21 §5 broke the
 * schemas.ts ↔ tokens.ts import circle here).
 */

/** last-used is written at most once a minute per token. */
export const LAST_USED_RESOLUTION_MS = 60_000;
export const MAX_TOKEN_NAME_LENGTH = 100;
export const PERSONAL_TOKEN_MAX_DAYS = 365;
export const PERSONAL_TOKEN_DEFAULT_DAYS = 90;
/** GET /v1/tokens pages: default and largest page size. */
export const TOKEN_PAGE_DEFAULT = 50;
export const TOKEN_PAGE_MAX = 100;
/** Active personal access tokens a user may hold at once (a partition cannot grow without bound). */
export const MAX_PERSONAL_TOKENS = 50;

/** A page cursor is the base64url of the last token id seen; anything else is a 400 (run by the route's query schema). */
export function decodeCursor(cursor: string): string {
  const tokenId = /^[A-Za-z0-9_-]{1,64}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  if (!TOKEN_ID_PATTERN.test(tokenId)) throw new BadRequestError('invalid_request', 'cursor is not valid.');
  return tokenId;
}
