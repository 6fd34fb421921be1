import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Incident ids: opaque, unguessable (96 bits), URL-safe. */
export function newIncidentId(): string {
  return `inc_${randomBytes(12).toString('base64url')}`;
}

/**
 * The reporter's tracking token: 256 random bits, shown once (response and receipt email) and
 * stored only as its SHA-256 digest. With that much entropy a fast digest is enough: there is
 * nothing to brute-force. The `hsi_` prefix lets secret scanners recognise a leaked one.
 */
export function newTrackingToken(): string {
  return `hsi_${randomBytes(32).toString('base64url')}`;
}

export function trackingTokenDigest(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

const DUMMY_DIGEST = trackingTokenDigest('hsi_no-such-incident');

/**
 * Constant-time check of a presented token against a stored digest. With no stored digest (no
 * such incident) it still does the same work, so a wrong id and a wrong token look alike.
 */
export function trackingTokenMatches(presented: string | undefined, storedDigest: string | undefined): boolean {
  const expected = Buffer.from(storedDigest ?? DUMMY_DIGEST, 'hex');
  const actual = Buffer.from(trackingTokenDigest(presented ?? ''), 'hex');
  return timingSafeEqual(expected, actual) && storedDigest !== undefined && presented !== undefined && presented.length > 0;
}
