import { generateSecret, generateSync, generateURI } from 'otplib';
import { TOTP_DIGITS, TOTP_PERIOD_SECONDS } from './totp-rule';

/** otplib (RFC 6238 HMAC-SHA-1) behind the few calls the authenticator-app rule needs. */
export const TOTP_ISSUER = 'HelpShelf';

/** A new base32 secret: 20 random bytes (160 bits, RFC 4226's recommendation). */
export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

/** The code of a base32 secret at a time step. */
export function totpCodeAt(secret: string, step: number): string {
  return generateSync({ secret, epoch: step * TOTP_PERIOD_SECONDS, period: TOTP_PERIOD_SECONDS, digits: TOTP_DIGITS, algorithm: 'sha1' });
}

/** The otpauth:// URI an authenticator app scans (shown as a QR code by the page). */
export function totpUri(secret: string, accountLabel: string): string {
  return generateURI({ issuer: TOTP_ISSUER, label: accountLabel, secret, period: TOTP_PERIOD_SECONDS, digits: TOTP_DIGITS, algorithm: 'sha1' });
}
