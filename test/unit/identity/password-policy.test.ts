import { commonPasswords } from '../../../lib/identity/common-passwords';
import { checkNewPassword, contextWords, normalisePassword, PASSWORD_MAX_LENGTH, PASSWORD_RAW_MAX_UNITS } from '../../../lib/identity/password-policy';
import { BadRequestError } from '../../../lib/platform/errors';
import { errorCodeOf } from '../../support/error-code';

const options = { minLength: 8, commonPasswords: commonPasswords() };


describe('the password policy', () => {
  it('when the common list is loaded, it holds at least the top 10,000 passwords', () => {
    // Prepare / Act
    const list = commonPasswords();
    // Assess
    expect(list.size).toBeGreaterThanOrEqual(10_000);
    expect(list.has('password')).toBe(true);
    expect(list.has('123456789')).toBe(true);
  });

  it.each([
    ['a 7-character password', 'Tr7$kq2', 'password_too_short'],
    ['"password"', 'password', 'password_common'],
    ['"123456789"', '123456789', 'password_common'],
    ['a common password in capitals', 'PASSWORD1', 'password_common'],
    ['the product name with a year', 'HelpShelf2024!', 'password_context'],
    ['the product name around a common word', 'helpshelfpassword', 'password_context'],
    ['the local part of the email with digits', 'alice.smith1987', 'password_context'],
    ['the whole email address', 'alice.smith@example.com', 'password_context'],
  ])('when the new password is %s, it is refused with its reason', (_name, password, code) => {
    expect(errorCodeOf(() => checkNewPassword(normalisePassword(password), 'alice.smith@example.com', options))).toBe(code);
  });

  it.each([
    ['a long passphrase', 'correct horse battery staple'],
    ['8 unusual characters', 'q8#Lw!2z'],
    ['64 characters', 'k'.repeat(32) + 'Z9'.repeat(16)],
    ['256 characters', 'x7Q!'.repeat(64)],
    ['unicode letters', 'Ünïcødé ßtrîng wörks'],
    ['a password that merely contains the product name', 'my helpshelf garden gnome'],
  ])('when the new password is %s, it is accepted (no composition rules)', (_name, password) => {
    expect(errorCodeOf(() => checkNewPassword(normalisePassword(password), 'alice.smith@example.com', options))).toBeUndefined();
  });

  it('when the minimum is configured to 15, a 14-character password is too short', () => {
    expect(errorCodeOf(() => checkNewPassword('q8#Lw!2zq8#Lw!', undefined, { ...options, minLength: 15 }))).toBe('password_too_short');
    expect(errorCodeOf(() => checkNewPassword('q8#Lw!2zq8#Lw!2', undefined, { ...options, minLength: 15 }))).toBeUndefined();
  });

  it('when a password is longer than the bound, it is refused before normalisation, 1 MB included', () => {
    expect(errorCodeOf(() => normalisePassword('a'.repeat(PASSWORD_MAX_LENGTH + 1)))).toBe('password_too_long');
    expect(errorCodeOf(() => normalisePassword('a'.repeat(100 * 1024)))).toBe('password_too_long');
    expect(errorCodeOf(() => normalisePassword('a'.repeat(1024 * 1024)))).toBe('password_too_long');
  });

  it('when a password holds a NUL byte or a line break, it is refused', () => {
    expect(errorCodeOf(() => normalisePassword('good pass\u0000word'))).toBe('password_invalid_characters');
    expect(errorCodeOf(() => normalisePassword('good pass\nword'))).toBe('password_invalid_characters');
  });

  it('when a password is not a string, it is a 400 invalid_request', () => {
    expect(errorCodeOf(() => normalisePassword(12345678))).toBe('invalid_request');
    expect(errorCodeOf(() => normalisePassword({ p: 'x' }))).toBe('invalid_request');
  });

  it('normalises with NFKC, so compatibility forms of one password are the same password', () => {
    // Full-width letters and a ligature become their plain forms.
    expect(normalisePassword('ｐａｓｓ ﬁne word')).toBe('pass fine word');
    // Composed and decomposed accents hash alike.
    expect(normalisePassword('cafe\u0301 au lait')).toBe(normalisePassword('caf\u00e9 au lait'));
  });

  it('when a full-width "ｐａｓｓｗｏｒｄ" is given, NFKC makes it the common "password" and it is refused', () => {
    expect(errorCodeOf(() => checkNewPassword(normalisePassword('ｐａｓｓｗｏｒｄ'), undefined, options))).toBe('password_common');
  });
});

/** The typed error `fn` throws, as the client sees it. */
function refusalOf(fn: () => unknown): { code: string; message: string } | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof BadRequestError) return { code: error.code, message: error.message };
    throw error;
  }
  return undefined;
}

describe('the password policy, exactly', () => {
  it('tells the client each rule in words', () => {
    expect(refusalOf(() => normalisePassword(42))).toEqual({ code: 'invalid_request', message: 'password must be a string.' });
    expect(refusalOf(() => normalisePassword(null, 'newPassword'))).toEqual({ code: 'invalid_request', message: 'newPassword must be a string.' });
    expect(refusalOf(() => normalisePassword('a'.repeat(2000)))).toEqual({ code: 'password_too_long', message: 'A password has at most 256 characters.' });
    expect(refusalOf(() => normalisePassword('a'.repeat(257)))).toEqual({ code: 'password_too_long', message: 'A password has at most 256 characters.' });
    expect(refusalOf(() => normalisePassword('tab\there'))).toEqual({
      code: 'password_invalid_characters',
      message: 'A password cannot contain control characters (such as NUL or line breaks).',
    });
    expect(refusalOf(() => checkNewPassword('short', undefined, options))).toEqual({ code: 'password_too_short', message: 'A password has at least 8 characters.' });
    expect(refusalOf(() => checkNewPassword('password', undefined, options))).toEqual({
      code: 'password_common',
      message: 'This password is one of the most common passwords; choose another.',
    });
    expect(refusalOf(() => checkNewPassword('HelpShelf2024!', undefined, options))).toEqual({
      code: 'password_context',
      message: 'A password cannot be built from your email address or the product name.',
    });
  });

  it('refuses an over-long raw value before normalising it (NFKC never sees attacker-sized input)', () => {
    const normalize = jest.spyOn(String.prototype, 'normalize');
    try {
      expect(refusalOf(() => normalisePassword('a'.repeat(PASSWORD_RAW_MAX_UNITS + 1)))?.code).toBe('password_too_long');
      expect(normalize).not.toHaveBeenCalled();
      // At the bound itself the raw check passes and the normalised length decides.
      expect(refusalOf(() => normalisePassword('a'.repeat(PASSWORD_RAW_MAX_UNITS)))?.code).toBe('password_too_long');
      expect(normalize).toHaveBeenCalledTimes(1);
    } finally {
      normalize.mockRestore();
    }
  });

  it('counts code points, not UTF-16 units: 256 emoji are accepted, 257 are not', () => {
    expect(normalisePassword('🔑'.repeat(256))).toBe('🔑'.repeat(256));
    expect(refusalOf(() => normalisePassword('🔑'.repeat(257)))?.code).toBe('password_too_long');
  });

  it('derives the context words from the product name, the whole email, its local part, each part of it and the domain label', () => {
    expect(contextWords('Alice.Smith+tag@Example.co.uk')).toEqual(['alicesmithtagexamplecouk', 'alicesmithtag', 'helpshelf', 'example', 'alice', 'smith', 'tag']);
    expect(contextWords('al_bo-cy@x.io')).toEqual(['helpshelf', 'albocyxio', 'albocy']);
    expect(contextWords('noatsign')).toEqual(['helpshelf', 'noatsign']);
    expect(contextWords(undefined)).toEqual(['helpshelf']);
  });

  it('refuses a common password hidden behind surrounding spaces', () => {
    expect(refusalOf(() => checkNewPassword('  password  ', undefined, options))?.code).toBe('password_common');
  });

  it('accepts a password with few letters when it is built from nothing of the context', () => {
    expect(refusalOf(() => checkNewPassword('9q8#7w6!2', 'alice.smith@example.com', options))).toBeUndefined();
  });

  it('after taking out the context, needs at least four letters that are not a common word', () => {
    expect(refusalOf(() => checkNewPassword('alice-zqxw-99', 'alice.smith@example.com', options))).toBeUndefined();
    expect(refusalOf(() => checkNewPassword('alice-zqx-99', 'alice.smith@example.com', options))?.code).toBe('password_context');
    // What is left is a common word once the digits go: "dragon".
    expect(refusalOf(() => checkNewPassword('HelpShelf dragon 2024', undefined, options))?.code).toBe('password_context');
    // Words from one part of the email or from the domain count too.
    expect(refusalOf(() => checkNewPassword('smith-1987-xy', 'alice.smith@example.com', options))?.code).toBe('password_context');
    expect(refusalOf(() => checkNewPassword('Example!2024ab', 'alice.smith@example.com', options))?.code).toBe('password_context');
  });
});
