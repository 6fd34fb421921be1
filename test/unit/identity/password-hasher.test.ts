import { parseOptions } from '@node-rs/argon2';
import { argon2PasswordHasher, ARGON2_PARAMS, NO_PEPPER, needsRehash, parsePepperSecret, splitStoredHash, type PepperKeyring } from '../../../lib/identity/password-hasher';

const KEY_1 = 'k1-'.repeat(12);
const KEY_2 = 'k2-'.repeat(12);
const ring1: PepperKeyring = { current: { version: '1', key: KEY_1 }, previous: {} };
const ring2: PepperKeyring = { current: { version: '2', key: KEY_2 }, previous: { '1': KEY_1 } };

describe('password hashing', () => {
  it('uses argon2id at or above OWASP\'s minimum (m=19456 KiB, t=2, p=1), set in one place', () => {
    expect(ARGON2_PARAMS.algorithm).toBe(2);
    expect(ARGON2_PARAMS.memoryCost).toBeGreaterThanOrEqual(19456);
    expect(ARGON2_PARAMS.timeCost).toBeGreaterThanOrEqual(2);
    expect(ARGON2_PARAMS.parallelism).toBe(1);
  });

  it('when a password is hashed, the stored value names the pepper version and holds a standard PHC argon2id string', async () => {
    // Prepare
    const hasher = argon2PasswordHasher(async () => ring1);
    // Act
    const stored = await hasher.hash('correct horse battery staple');
    // Assess
    expect(stored).toMatch(/^\$pepper\$v=1\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(stored).not.toContain('correct horse');
    const options = parseOptions(splitStoredHash(stored).phc);
    expect(options).toMatchObject({ algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 });
    await expect(hasher.verify(stored, 'correct horse battery staple')).resolves.toEqual({ ok: true, upgrade: false });
    await expect(hasher.verify(stored, 'correct horse battery stapler')).resolves.toEqual({ ok: false, upgrade: false });
  });

  it('when the pepper rotates, a hash of the previous version still verifies and asks for an upgrade', async () => {
    // Prepare
    const old = await argon2PasswordHasher(async () => ring1).hash('rotate me please');
    const hasher = argon2PasswordHasher(async () => ring2);
    // Act
    const result = await hasher.verify(old, 'rotate me please');
    // Assess
    expect(result).toEqual({ ok: true, upgrade: true });
    expect(needsRehash(await hasher.hash('rotate me please'), ring2)).toBe(false);
  });

  it('when a hash names a pepper version the keyring no longer has, verification fails closed', async () => {
    const old = await argon2PasswordHasher(async () => ring1).hash('orphaned password');
    const hasher = argon2PasswordHasher(async () => ({ current: { version: '3', key: KEY_2 }, previous: {} }));
    await expect(hasher.verify(old, 'orphaned password')).resolves.toEqual({ ok: false, upgrade: false });
  });

  it('when a hash was made with weaker parameters, it verifies and asks for a re-hash', async () => {
    // Prepare: same pepper, but t=1 and m=8 MiB.
    const weak = argon2PasswordHasher(async () => ring1, { ...ARGON2_PARAMS, memoryCost: 8192, timeCost: 1 });
    const stored = await weak.hash('upgrade me later');
    // Act
    const result = await argon2PasswordHasher(async () => ring1).verify(stored, 'upgrade me later');
    // Assess
    expect(result).toEqual({ ok: true, upgrade: true });
  });

  it('when no pepper is configured, the stored hash is a bare PHC string and still verifies', async () => {
    const hasher = argon2PasswordHasher(async () => NO_PEPPER);
    const stored = await hasher.hash('no pepper here');
    expect(stored.startsWith('$argon2id$')).toBe(true);
    await expect(hasher.verify(stored, 'no pepper here')).resolves.toEqual({ ok: true, upgrade: false });
  });

  it('when an unknown email is checked against the dummy hash, it resolves without throwing', async () => {
    await expect(argon2PasswordHasher(async () => ring1).verifyDummy('whatever')).resolves.toBeUndefined();
  });

  it('reads the pepper secret {"version","key"} and its optional previous keys, and refuses a short key', () => {
    expect(parsePepperSecret({ version: '2', key: KEY_2, previous: { '1': KEY_1 } })).toEqual(ring2);
    expect(() => parsePepperSecret({ version: '1', key: 'short' })).toThrow(/pepper/);
    expect(() => parsePepperSecret({ key: KEY_1 })).toThrow(/pepper/);
  });
});
