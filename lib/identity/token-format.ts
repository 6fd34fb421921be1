import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Every secret HelpShelf hands out has one shape:
 *
 *   hs_<kind>_<locator><secret><check>
 *
 * - `kind`: `ses` (login session), `pat` (personal access token), `vrf` (email verification),
 *   `rst` (password reset). The marker tells a secret scanner, a support engineer and the code
 *   what a leaked string is without a lookup; `authenticate` accepts only `ses` and `pat`.
 * - `locator`: the ids the item is stored under (user id, and token id for bearer tokens), so a
 *   bearer token is checked with ONE strongly consistent read that fetches the token item and the
 *   user's revocation mark together. They are opaque ids, not secrets.
 * - `secret`: 32 random bytes (256 bits), base64url. Only its SHA-256 digest is stored.
 * - `check`: 6 base64url characters of SHA-256 over the stage name and everything before it. A
 *   truncated or mistyped token, or a token of another stage, is refused before any read.
 */
export const TOKEN_KINDS = { session: 'ses', personal: 'pat', verification: 'vrf', reset: 'rst' } as const;
export type TokenKind = (typeof TOKEN_KINDS)[keyof typeof TOKEN_KINDS];
export const BEARER_KINDS: readonly TokenKind[] = [TOKEN_KINDS.session, TOKEN_KINDS.personal];

const ID_BYTES = { user: 16, token: 12 } as const;
const ID_CHARS = { user: 22, token: 16 } as const;
const SECRET_CHARS = 43; // 32 bytes
const CHECK_CHARS = 6;
const B64URL = '[A-Za-z0-9_-]';

export const USER_ID_PATTERN = new RegExp(`^usr_${B64URL}{${ID_CHARS.user}}$`);
export const TOKEN_ID_PATTERN = new RegExp(`^tok_${B64URL}{${ID_CHARS.token}}$`);

export function newUserId(): string {
  return `usr_${randomBytes(ID_BYTES.user).toString('base64url')}`;
}

export function newTokenId(): string {
  return `tok_${randomBytes(ID_BYTES.token).toString('base64url')}`;
}

/** Hex SHA-256: what the tables keep instead of a secret. */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

function check(stage: string, head: string): string {
  return createHash('sha256').update(`${stage}\n${head}`).digest('base64url').slice(0, CHECK_CHARS);
}

export interface ParsedToken {
  kind: TokenKind;
  userId: string;
  /** Present for bearer tokens (`ses`, `pat`). */
  tokenId?: string;
  /** SHA-256 (hex) of the whole token string: the only form ever stored. */
  digest: string;
}

function hasLocatorForTokenId(kind: TokenKind): boolean {
  return kind === 'ses' || kind === 'pat';
}

/** Mints a token; returns the secret string (shown once) and what is stored about it. */
export function mintToken(stage: string, kind: TokenKind, userId: string, tokenId?: string): { token: string; parsed: ParsedToken } {
  if (!USER_ID_PATTERN.test(userId)) throw new Error('mintToken: userId has an unexpected format');
  if (hasLocatorForTokenId(kind) !== (tokenId !== undefined)) throw new Error(`mintToken: ${kind} tokens ${tokenId ? 'take no' : 'need a'} token id`);
  if (tokenId !== undefined && !TOKEN_ID_PATTERN.test(tokenId)) throw new Error('mintToken: tokenId has an unexpected format');
  const locator = userId.slice(4) + (tokenId ? tokenId.slice(4) : '');
  const head = `hs_${kind}_${locator}${randomBytes(32).toString('base64url')}`;
  const token = head + check(stage, head);
  return { token, parsed: { kind, userId, tokenId, digest: sha256Hex(token) } };
}

const PATTERNS: Record<TokenKind, RegExp> = Object.fromEntries(
  Object.values(TOKEN_KINDS).map((kind) => {
    const locatorChars = ID_CHARS.user + (hasLocatorForTokenId(kind) ? ID_CHARS.token : 0);
    return [kind, new RegExp(`^hs_${kind}_(${B64URL}{${locatorChars}})${B64URL}{${SECRET_CHARS}}(${B64URL}{${CHECK_CHARS}})$`)];
  }),
) as Record<TokenKind, RegExp>;

/** The longest token string there is; anything longer is refused before a regex looks at it. */
export const MAX_TOKEN_LENGTH = 3 + 4 + ID_CHARS.user + ID_CHARS.token + SECRET_CHARS + CHECK_CHARS;

/**
 * Parses a presented token of one of the expected kinds. Undefined for anything malformed,
 * truncated, of another kind or minted by another stage. Does no I/O.
 */
export function parseToken(stage: string, token: unknown, kinds: readonly TokenKind[]): ParsedToken | undefined {
  if (typeof token !== 'string') return undefined;
  // Stryker disable next-line ConditionalExpression,StringLiteral,LogicalOperator: cheap refusals before any regex runs; the anchored pattern below refuses the same strings, so these mutants are equivalent
  if (token.length > MAX_TOKEN_LENGTH || !token.startsWith('hs_')) return undefined;
  const kind = token.slice(3, 6) as TokenKind;
  if (!kinds.includes(kind)) return undefined;
  const match = PATTERNS[kind].exec(token);
  if (!match) return undefined;
  const expected = Buffer.from(check(stage, token.slice(0, -CHECK_CHARS)));
  const given = Buffer.from(match[2]);
  if (!timingSafeEqual(expected, given)) return undefined;
  const locator = match[1];
  return {
    kind,
    userId: `usr_${locator.slice(0, ID_CHARS.user)}`,
    tokenId: hasLocatorForTokenId(kind) ? `tok_${locator.slice(ID_CHARS.user)}` : undefined,
    digest: sha256Hex(token),
  };
}

/** Constant-time comparison of two hex digests (the one in lib/platform/digests.ts). */
export { digestsEqual } from '../platform/digests';
