import { totpCodeAt, totpUri, newTotpSecret } from '../../../../lib/identity/mfa/totp';
import { candidateSteps, checkCode, normaliseCode, timeStep, TOTP_DIGITS, TOTP_PERIOD_SECONDS, TOTP_SKEW_STEPS } from '../../../../lib/identity/mfa/totp-rule';
import { generateSync } from 'otplib';

const NOW = Date.parse('2026-12-07T12:00:10Z');
/** A stand-in authenticator: the code of a step is the step's last six digits (the rule is what is tested here). */
const fake = (step: number) => String(step % 1_000_000).padStart(6, '0');

describe('RFC 6238 (the algorithm, through otplib): the SHA-1 test vectors of Appendix B', () => {
  const secret = new TextEncoder().encode('12345678901234567890');
  it.each([
    [59, '94287082'],
    [1111111109, '07081804'],
    [1111111111, '14050471'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
    [20000000000, '65353130'],
  ])('at T=%i the 8-digit code is %s', (seconds, expected) => {
    expect(generateSync({ secret, epoch: seconds, digits: 8, algorithm: 'sha1', period: 30 })).toBe(expected);
  });

  it('our adapter computes the same codes (6 digits: the vector\'s last six) from the base32 secret', () => {
    const base32 = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'; // base32 of "12345678901234567890"
    expect(totpCodeAt(base32, Math.floor(59 / 30))).toBe('287082');
    expect(totpCodeAt(base32, Math.floor(1111111109 / 30))).toBe('081804');
    expect(totpCodeAt(base32, Math.floor(1234567890 / 30))).toBe('005924');
  });

  it('a new secret is 160 bits of base32 and the otpauth URI names the issuer, the account and the parameters', () => {
    const secret = newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(newTotpSecret()).not.toBe(secret);
    const uri = new URL(totpUri(secret, 'ada@example.com'));
    expect(uri.protocol).toBe('otpauth:');
    expect(decodeURIComponent(uri.pathname)).toContain('HelpShelf:ada@example.com');
    expect(uri.searchParams.get('secret')).toBe(secret);
    expect(uri.searchParams.get('issuer')).toBe('HelpShelf');
  });
});

describe('the window and replay rule', () => {
  it('30-second steps, 6 digits, one step of skew', () => {
    expect([TOTP_PERIOD_SECONDS, TOTP_DIGITS, TOTP_SKEW_STEPS]).toEqual([30, 6, 1]);
    expect(timeStep(0)).toBe(0);
    expect(timeStep(29_999)).toBe(0);
    expect(timeStep(30_000)).toBe(1);
    expect(timeStep(59_000)).toBe(1);
    expect(timeStep(NOW)).toBe(Math.floor(NOW / 30_000));
  });

  it('the candidates are the current step first, then one either side', () => {
    const s = timeStep(NOW);
    expect(candidateSteps(NOW)).toEqual([s, s - 1, s + 1]);
  });

  it('a code is six digits, spaces ignored; anything else is not a code', () => {
    expect(normaliseCode('123456')).toBe('123456');
    expect(normaliseCode(' 123 456 ')).toBe('123456');
    expect(normaliseCode('12345')).toBeUndefined();
    expect(normaliseCode('1234567')).toBeUndefined();
    expect(normaliseCode('12345a')).toBeUndefined();
    expect(normaliseCode('x123456')).toBeUndefined();
    expect(normaliseCode('123456x')).toBeUndefined();
    expect(normaliseCode('')).toBeUndefined();
  });

  it('when the code is the current step\'s, it is accepted with that step', () => {
    const s = timeStep(NOW);
    expect(checkCode(fake(s), NOW, fake)).toEqual({ ok: true, step: s });
    expect(checkCode(` ${fake(s).slice(0, 3)} ${fake(s).slice(3)}`, NOW, fake)).toEqual({ ok: true, step: s });
  });

  it('one step of clock skew either way is accepted; two steps are refused', () => {
    const s = timeStep(NOW);
    expect(checkCode(fake(s - 1), NOW, fake)).toEqual({ ok: true, step: s - 1 });
    expect(checkCode(fake(s + 1), NOW, fake)).toEqual({ ok: true, step: s + 1 });
    expect(checkCode(fake(s - 2), NOW, fake)).toEqual({ ok: false, reason: 'invalid' });
    expect(checkCode(fake(s + 2), NOW, fake)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('a code is accepted once: its step, or any earlier, after it was used is a replay', () => {
    const s = timeStep(NOW);
    expect(checkCode(fake(s), NOW, fake, s)).toEqual({ ok: false, reason: 'replayed' });
    expect(checkCode(fake(s - 1), NOW, fake, s)).toEqual({ ok: false, reason: 'replayed' });
    expect(checkCode(fake(s - 1), NOW, fake, s - 1)).toEqual({ ok: false, reason: 'replayed' });
    expect(checkCode(fake(s), NOW, fake, s - 1)).toEqual({ ok: true, step: s });
    expect(checkCode(fake(s + 1), NOW, fake, s)).toEqual({ ok: true, step: s + 1 });
    expect(checkCode(fake(s), NOW, fake, 0)).toEqual({ ok: true, step: s });
  });

  it('a wrong or malformed code is invalid, and computes every candidate anyway (no early exit to time)', () => {
    const seen: number[] = [];
    const spy = (step: number) => {
      seen.push(step);
      return fake(step);
    };
    const s = timeStep(NOW);
    expect(checkCode(fake(s), NOW, spy)).toEqual({ ok: true, step: s });
    expect(seen).toEqual([s, s - 1, s + 1]);
    expect(checkCode('000000', NOW, () => '111111')).toEqual({ ok: false, reason: 'invalid' });
    expect(checkCode('abcdef', NOW, () => 'abcdef')).toEqual({ ok: false, reason: 'invalid' });
    expect(checkCode('12345', NOW, () => '12345')).toEqual({ ok: false, reason: 'invalid' });
  });

  it('when two candidate steps share a code, the first candidate (the current step) wins', () => {
    const s = timeStep(NOW);
    expect(checkCode('424242', NOW, () => '424242')).toEqual({ ok: true, step: s });
    expect(checkCode('424242', NOW, (step) => (step === s ? '000000' : '424242'))).toEqual({ ok: true, step: s - 1 });
  });

  it('with the real algorithm: a code computed from the secret now passes, and once used it is refused', () => {
    const secret = newTotpSecret();
    const s = timeStep(NOW);
    const code = totpCodeAt(secret, s);
    const first = checkCode(code, NOW, (step) => totpCodeAt(secret, step));
    expect(first).toEqual({ ok: true, step: s });
    expect(checkCode(code, NOW, (step) => totpCodeAt(secret, step), s)).toEqual({ ok: false, reason: 'replayed' });
  });
});
