import { createHmac } from 'node:crypto';
import { hash as argon2Hash, parseOptions, verify as argon2Verify } from '@node-rs/argon2';

/**
 * The one place the hashing parameters live. argon2id at OWASP's recommended minimum
 * (m=19456 KiB, t=2, p=1): about 10-20 ms a hash on one core, which keeps a login well inside a
 * Lambda's budget while making each guess on a stolen table cost ~19 MiB of memory traffic.
 * Raise them here; older hashes are upgraded at the next successful login (needsRehash).
 * Numeric literals because @node-rs/argon2 ships its enums as `const enum` declarations only.
 */
export interface Argon2Params {
  algorithm: 2;
  version: 1;
  memoryCost: number;
  timeCost: number;
  parallelism: number;
  outputLen: number;
}

export const ARGON2_PARAMS: Readonly<Argon2Params> = Object.freeze({
  algorithm: 2, // Algorithm.Argon2id
  version: 1, // Version.V0x13 (argon2 1.3, "v=19")
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
  outputLen: 32,
});

/**
 * A pepper keyring read from Secrets Manager ({"version":"2","key":"...","previous":{"1":"..."}}).
 * The stored hash names the pepper version it was made with, so after a rotation older hashes
 * still verify (with their version's key, kept under `previous`) and are re-hashed with the
 * current one at the next login. Version "0" means "no pepper" (a stage without the secret).
 */
export interface PepperKeyring {
  current: { version: string; key: string };
  previous: Record<string, string>;
}

export const NO_PEPPER: PepperKeyring = { current: { version: '0', key: '' }, previous: {} };

export function parsePepperSecret(raw: unknown): PepperKeyring {
  const value = raw as { version?: unknown; key?: unknown; previous?: unknown };
  if (!value || typeof value.version !== 'string' || !/^[1-9][0-9]{0,5}$/.test(value.version) || typeof value.key !== 'string' || value.key.length < 32) {
    throw new Error('The password pepper secret must be {"version":"<n>","key":"<at least 32 characters>"}');
  }
  const previous: Record<string, string> = {};
  if (value.previous && typeof value.previous === 'object') {
    for (const [version, key] of Object.entries(value.previous as Record<string, unknown>)) {
      if (typeof key === 'string' && key.length >= 32) previous[version] = key;
    }
  }
  return { current: { version: value.version, key: value.key }, previous };
}

// Stored form: `$pepper$v=<version>` followed by the argon2 PHC string, or the bare PHC string
// when no pepper was applied. The PHC part stays standard (parseable by any argon2 library).
const PEPPERED = /^\$pepper\$v=([0-9]{1,6})(\$argon2id?\$.+)$/;

export function splitStoredHash(stored: string): { pepperVersion: string; phc: string } {
  const m = PEPPERED.exec(stored);
  return m ? { pepperVersion: m[1], phc: m[2] } : { pepperVersion: '0', phc: stored };
}

function keyFor(keyring: PepperKeyring, version: string): string | undefined {
  if (version === '0') return '';
  if (version === keyring.current.version) return keyring.current.key;
  return keyring.previous[version];
}

/**
 * HMAC-SHA256 of the (already NFKC-normalised) password: what argon2 actually hashes. Base64,
 * because @node-rs/argon2 takes its input as UTF-8 text and refuses arbitrary bytes.
 */
function peppered(password: string, key: string): string {
  return key === '' ? password : createHmac('sha256', key).update(password, 'utf8').digest('base64');
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** `upgrade` is true when the stored hash is weaker than today's parameters or pepper. */
  verify(stored: string, password: string): Promise<{ ok: boolean; upgrade: boolean }>;
  /** Spends the same work as a real verification, for emails with no account. */
  verifyDummy(password: string): Promise<void>;
}

export function needsRehash(stored: string, keyring: PepperKeyring, params: Readonly<Argon2Params> = ARGON2_PARAMS): boolean {
  const { pepperVersion, phc } = splitStoredHash(stored);
  if (pepperVersion !== keyring.current.version) return true;
  try {
    const o = parseOptions(phc);
    return o.algorithm !== params.algorithm || o.version !== params.version || o.memoryCost < params.memoryCost || o.timeCost < params.timeCost || o.outputLen < params.outputLen;
  } catch {
    return true;
  }
}

export function argon2PasswordHasher(keyring: () => Promise<PepperKeyring>, params: Readonly<Argon2Params> = ARGON2_PARAMS): PasswordHasher {
  let dummy: Promise<string> | undefined;
  const hashWith = async (password: string) => {
    const ring = await keyring();
    const phc = await argon2Hash(peppered(password, ring.current.key), params);
    return ring.current.version === '0' ? phc : `$pepper$v=${ring.current.version}${phc}`;
  };
  return {
    hash: hashWith,
    async verify(stored, password) {
      const ring = await keyring();
      const { pepperVersion, phc } = splitStoredHash(stored);
      const key = keyFor(ring, pepperVersion);
      // An unknown pepper version cannot be verified: fail closed, never fall back to no pepper.
      if (key === undefined) return { ok: false, upgrade: false };
      let ok = false;
      try {
        ok = await argon2Verify(phc, peppered(password, key));
      } catch {
        ok = false;
      }
      return { ok, upgrade: ok && needsRehash(stored, ring, params) };
    },
    async verifyDummy(password) {
      dummy ??= hashWith('dummy password for unknown accounts').catch((error: unknown) => {
        dummy = undefined;
        throw error;
      });
      const stored = await dummy;
      const ring = await keyring();
      await argon2Verify(splitStoredHash(stored).phc, peppered(password, ring.current.key)).catch(() => false);
    },
  };
}
