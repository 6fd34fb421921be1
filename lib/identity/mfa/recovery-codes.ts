import { createHash, randomBytes } from 'node:crypto';

/**
 * Recovery codes: ten single-use codes shown once when the authenticator app is turned on, for
 * the day the phone is lost. Only their digests are stored; each works once (the store removes
 * its digest with a conditional write). A code is 10 characters of Crockford's base32 (50 bits),
 * shown as `xxxxx-xxxxx`; typed with or without the dash or spaces, in any case, with the
 * look-alikes o/O for 0 and i/I/l/L for 1 read as Crockford reads them.
 */
export const RECOVERY_CODE_COUNT = 10;
export const RECOVERY_CODE_LENGTH = 10;
/** Crockford's base32, lower case: 32 symbols, 5 bits each (256 is a multiple of 32: no bias). */
export const RECOVERY_ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** A code as typed: lower-cased, spaces and dashes dropped; undefined unless 10 alphabet characters. */
export function normaliseRecoveryCode(input: string): string | undefined {
  const code = input.toLowerCase().replace(/[\s-]+/g, '').replace(/o/g, '0').replace(/[il]/g, '1');
  if (code.length !== RECOVERY_CODE_LENGTH) return undefined;
  for (const ch of code) if (!RECOVERY_ALPHABET.includes(ch)) return undefined;
  return code;
}

/** The stored form: SHA-256 of the normalised code (50 random bits each; nothing to pepper against a list). */
export function recoveryCodeDigest(normalised: string): string {
  return createHash('sha256').update(`helpshelf:recovery:${normalised}`, 'utf8').digest('hex');
}

/** Ten fresh codes as shown (`xxxxx-xxxxx`), with their digests, all distinct. */
export function newRecoveryCodes(random: (size: number) => Buffer = randomBytes): { codes: string[]; digests: string[] } {
  const codes: string[] = [];
  while (codes.length < RECOVERY_CODE_COUNT) {
    const bytes = random(RECOVERY_CODE_LENGTH);
    let code = '';
    for (let i = 0; i < RECOVERY_CODE_LENGTH; i += 1) code += RECOVERY_ALPHABET[bytes[i] % 32];
    const shown = `${code.slice(0, 5)}-${code.slice(5)}`;
    if (!codes.includes(shown)) codes.push(shown);
  }
  return { codes, digests: codes.map((c) => recoveryCodeDigest(normaliseRecoveryCode(c)!)) };
}
