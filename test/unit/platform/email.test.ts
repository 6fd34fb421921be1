import { normaliseEmail } from '../../../lib/platform/email';
import { errorCodeOf } from '../../support/error-code';


describe('email normalisation', () => {
  it('when an address has spaces around it and capitals, it is trimmed and lower-cased', () => {
    expect(normaliseEmail('  Alice.Smith+tag@Example.COM ')).toBe('alice.smith+tag@example.com');
  });

  it.each([
    ['no @', 'alice.example.com'],
    ['two @', 'alice@bob@example.com'],
    ['a space inside', 'alice smith@example.com'],
    ['300 characters', `${'a'.repeat(60)}@${'b'.repeat(235)}.com`],
    ['a 65-character local part', `${'a'.repeat(65)}@example.com`],
    ['no top-level domain', 'alice@localhost'],
    ['a Cyrillic "а" that looks like a Latin "a"', 'аlice@example.com'],
    ['a full-width "ａ" that NFKC would turn into "a"', 'ａlice@example.com'],
    ['the Kelvin sign, which lower-cases to "k"', '\u212Aate@example.com'],
    ['a dotless capital I with dot, which lower-cases to "i" plus a mark', '\u0130nes@example.com'],
    ['a NUL byte', 'alice\u0000@example.com'],
    ['an empty string', ''],
    ['consecutive dots', 'alice..smith@example.com'],
    ['a domain label starting with a hyphen', 'alice@-example.com'],
  ])('when the address has %s, it is a 400 invalid_email', (_name, email) => {
    expect(errorCodeOf(() => normaliseEmail(email))).toBe('invalid_email');
  });

  it('when the email is not a string, it is a 400 invalid_email', () => {
    expect(errorCodeOf(() => normaliseEmail(42))).toBe('invalid_email');
    expect(errorCodeOf(() => normaliseEmail(['a@b.co']))).toBe('invalid_email');
  });

  it('accepts punycode domains', () => {
    expect(normaliseEmail('bob@xn--bcher-kva.example')).toBe('bob@xn--bcher-kva.example');
  });
});
