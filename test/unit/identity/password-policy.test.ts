import { commonPasswords } from '../../../lib/identity/common-passwords';
import { checkNewPassword, normalisePassword, PASSWORD_MAX_LENGTH } from '../../../lib/identity/password-policy';
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
