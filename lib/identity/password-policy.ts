import { BadRequestError } from '../platform/errors';

/**
 * The password policy of NIST SP 800-63B (rev. 4) and OWASP ASVS 5 (V6.2): a minimum length,
 * every character accepted (apart from control characters), no composition rules, no truncation,
 * and a refusal of passwords that are known to be common or breached or that are built from the
 * user's own email address or the product's name.
 *
 * The upper bound: 256 characters (Unicode code points, after NFKC). ASVS asks that at least 64
 * be accepted; 256 fits any passphrase or password-manager output with room to spare. The hash
 * input is an HMAC of the password, so length does not change argon2's cost; the bound exists so
 * that normalisation, the policy checks and the HMAC never work on attacker-sized input. Before
 * NFKC (which can expand a string) the raw value is bounded at 1,024 UTF-16 units, so a 1 MB
 * password is refused with a 400 before anything else looks at it.
 */
export const PASSWORD_MAX_LENGTH = 256;
export const PASSWORD_RAW_MAX_UNITS = 1024;
export const PASSWORD_MIN_LENGTH_FLOOR = 8;
export const PASSWORD_MIN_LENGTH_CEILING = 15;
/** The product's name as `skeleton` sees it: case, spaces and dashes go, so "Help Shelf" and "help-shelf" are the same word. */
export const PRODUCT_NAME = 'helpshelf';

export interface PasswordPolicyOptions {
  minLength: number;
  commonPasswords: ReadonlySet<string>;
}

export class PasswordPolicyError extends BadRequestError {}

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

function codePoints(value: string): number {
  let n = 0;
  for (const _ of value) n += 1;
  return n;
}

/**
 * Checks that a value is a string within the raw bound and normalises it (NFKC). Used for every
 * password the API receives, at login too, so a 1 MB "password" never reaches the hasher.
 */
export function normalisePassword(raw: unknown, field = 'password'): string {
  if (typeof raw !== 'string') throw new BadRequestError('invalid_request', `${field} must be a string.`);
  if (raw.length > PASSWORD_RAW_MAX_UNITS) {
    throw new PasswordPolicyError('password_too_long', `A password has at most ${PASSWORD_MAX_LENGTH} characters.`);
  }
  const normalised = raw.normalize('NFKC');
  if (codePoints(normalised) > PASSWORD_MAX_LENGTH) {
    throw new PasswordPolicyError('password_too_long', `A password has at most ${PASSWORD_MAX_LENGTH} characters.`);
  }
  if (CONTROL.test(normalised)) {
    throw new PasswordPolicyError('password_invalid_characters', 'A password cannot contain control characters (such as NUL or line breaks).');
  }
  return normalised;
}

/** Lower-cased letters and digits only: how "built from" is judged. */
function skeleton(value: string): string {
  return value.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}

/** The context words a password must not be built from: the product name and parts of the email. */
export function contextWords(email: string | undefined): string[] {
  const words = [PRODUCT_NAME];
  if (email) {
    const [local, domain = ''] = email.split('@'); // skeleton() lower-cases each word
    words.push(skeleton(email), skeleton(local), ...local.split(/[._+-]/).map(skeleton));
    words.push(skeleton(domain.replace(/\..*/s, ''))); // the domain's first label
  }
  return [...new Set(words.filter((w) => w.length >= 3))].sort((a, b) => b.length - a.length);
}

/**
 * Applies the policy to a new password (signup, change, reset). `password` is already
 * normalised by normalisePassword. Throws a 400 whose code says which rule failed.
 */
export function checkNewPassword(password: string, email: string | undefined, options: PasswordPolicyOptions): void {
  if (codePoints(password) < options.minLength) {
    throw new PasswordPolicyError('password_too_short', `A password has at least ${options.minLength} characters.`);
  }
  const lower = password.toLowerCase();
  if (options.commonPasswords.has(lower) || options.commonPasswords.has(lower.trim())) {
    throw new PasswordPolicyError('password_common', 'This password is one of the most common passwords; choose another.');
  }
  // "Built from" the email or the product name: take those words out and look at what is left.
  // Only digits, symbols or a few letters left ("HelpShelf2024!", "alice.smith1") is refused,
  // and so is a common password wrapped around them ("helpshelfpassword").
  let rest = skeleton(password);
  let removed = false;
  for (const word of contextWords(email)) {
    if (rest.includes(word)) {
      rest = rest.split(word).join('');
      removed = true;
    }
  }
  if (removed) {
    const letters = rest.replace(/\p{N}/gu, '');
    if (letters.length < 4 || options.commonPasswords.has(rest) || options.commonPasswords.has(letters)) {
      throw new PasswordPolicyError('password_context', 'A password cannot be built from your email address or the product name.');
    }
  }
}
