import { createHash, randomBytes } from 'node:crypto';
import { newRecoveryCodes, normaliseRecoveryCode, RECOVERY_ALPHABET, RECOVERY_CODE_COUNT, RECOVERY_CODE_LENGTH, recoveryCodeDigest } from '../../../../lib/identity/mfa/recovery-codes';

describe('recovery codes', () => {
  it('ten codes of ten Crockford base32 characters, shown as xxxxx-xxxxx, all different', () => {
    // Act
    const { codes, digests } = newRecoveryCodes();
    // Assess
    expect(RECOVERY_CODE_COUNT).toBe(10);
    expect(RECOVERY_CODE_LENGTH).toBe(10);
    expect(codes).toHaveLength(10);
    for (const code of codes) expect(code).toMatch(/^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$/);
    expect(new Set(codes).size).toBe(10);
    expect(digests).toEqual(codes.map((c) => recoveryCodeDigest(c.replace('-', ''))));
  });

  it('the alphabet is Crockford\'s 32 symbols, without i, l, o, u', () => {
    expect(RECOVERY_ALPHABET).toBe('0123456789abcdefghjkmnpqrstvwxyz');
    expect(new Set(RECOVERY_ALPHABET).size).toBe(32);
  });

  it('each random byte picks a symbol (byte mod 32), so the codes are as random as the bytes', () => {
    let call = 0;
    const bytes = (size: number) => Buffer.from(Array.from({ length: size }, (_, i) => (call * 10 + i) % 256 + (call === 0 ? 32 : 0)));
    const counting = (size: number) => {
      const out = bytes(size);
      call += 1;
      return out;
    };
    const { codes } = newRecoveryCodes(counting);
    expect(codes[0]).toBe('01234-56789');
    expect(codes[1]).toBe('abcde-fghjk');
    expect(codes[2]).toBe('mnpqr-stvwx');
  });

  it('when the random source repeats itself, a duplicate is drawn again, never handed out twice', () => {
    const sequence = [Buffer.alloc(10, 1), Buffer.alloc(10, 1), Buffer.alloc(10, 2), Buffer.alloc(10, 3), Buffer.alloc(10, 4), Buffer.alloc(10, 5), Buffer.alloc(10, 6), Buffer.alloc(10, 7), Buffer.alloc(10, 8), Buffer.alloc(10, 9), Buffer.alloc(10, 10)];
    let i = 0;
    const { codes } = newRecoveryCodes(() => sequence[i++]);
    expect(i).toBe(11);
    expect(codes[0]).toBe('11111-11111');
    expect(codes[1]).toBe('22222-22222');
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
  });

  it('typed with or without the dash, spaces, in any case, or with Crockford\'s look-alikes, a code reads the same', () => {
    expect(normaliseRecoveryCode('abcde-fgh01')).toBe('abcdefgh01');
    expect(normaliseRecoveryCode('ABCDE FGH01')).toBe('abcdefgh01');
    expect(normaliseRecoveryCode(' abcdefgh01 ')).toBe('abcdefgh01');
    expect(normaliseRecoveryCode('abcde--fghOI')).toBe('abcdefgh01');
    expect(normaliseRecoveryCode('abcde-fghol')).toBe('abcdefgh01');
  });

  it('anything else is not a recovery code', () => {
    expect(normaliseRecoveryCode('abcde-fgh0')).toBeUndefined();
    expect(normaliseRecoveryCode('abcde-fgh012')).toBeUndefined();
    expect(normaliseRecoveryCode('abcde-fghu1')).toBeUndefined();
    expect(normaliseRecoveryCode('abcde_fgh01')).toBeUndefined();
    expect(normaliseRecoveryCode('abcde-fgh0!')).toBeUndefined();
    expect(normaliseRecoveryCode('')).toBeUndefined();
  });

  it('the stored digest is SHA-256 of the normalised code under a label, never the code', () => {
    const digest = recoveryCodeDigest('abcdefgh01');
    expect(digest).toBe(createHash('sha256').update('helpshelf:recovery:abcdefgh01').digest('hex'));
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(recoveryCodeDigest('abcdefgh02')).not.toBe(digest);
  });

  it('the default random source gives different codes each time', () => {
    expect(newRecoveryCodes().codes).not.toEqual(newRecoveryCodes().codes);
    expect(newRecoveryCodes(randomBytes).codes).toHaveLength(10);
  });
});
