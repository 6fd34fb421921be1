import { BadRequestError } from './errors';

/** RFC 5321 limits: 64 octets of local part, 254 in all (the 256 of a path minus the brackets). */
export const MAX_EMAIL_LENGTH = 254;
const MAX_LOCAL_PART = 64;

// Local part: RFC 5322 dot-atom (no quoted strings, no comments). Domain: LDH labels, a TLD of
// letters (or an xn-- A-label). ASCII only, on purpose: a Unicode address could be written with
// look-alike characters (Cyrillic "а", full-width "ａ", the Kelvin sign that lower-cases to "k")
// and become, after some normalisation step somewhere, another person's address. Internationalised
// domains are accepted in their punycode form.
const LOCAL_PART = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const TOP_LABEL = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

export function invalidEmail(message = 'Give a valid email address.'): BadRequestError {
  return new BadRequestError('invalid_email', message);
}

/**
 * Normalises an address once, the same way everywhere (trimmed, lower-cased), after refusing
 * anything that is not a plain ASCII address. Throws 400 `invalid_email`.
 */
export function normaliseEmail(raw: unknown): string {
  if (typeof raw !== 'string') throw invalidEmail('email must be a string.');
  // Bound the work before anything else looks at the value.
  if (raw.length > MAX_EMAIL_LENGTH + 64) throw invalidEmail(`An email address has at most ${MAX_EMAIL_LENGTH} characters.`);
  const trimmed = raw.trim();
  // Checked before lower-casing: String#toLowerCase maps some non-ASCII letters (U+212A KELVIN
  // SIGN, U+0130) onto ASCII ones, which is exactly the collision to avoid.
  if (!/^[\x21-\x7e]+$/.test(trimmed)) throw invalidEmail('An email address uses printable ASCII characters only, with no spaces.');
  const email = trimmed.toLowerCase();
  if (email.length > MAX_EMAIL_LENGTH) throw invalidEmail(`An email address has at most ${MAX_EMAIL_LENGTH} characters.`);
  const at = email.lastIndexOf('@');
  if (at <= 0 || email.indexOf('@') !== at) throw invalidEmail();
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (local.length > MAX_LOCAL_PART || !LOCAL_PART.test(local)) throw invalidEmail();
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((l) => DOMAIN_LABEL.test(l)) || !TOP_LABEL.test(labels[labels.length - 1])) {
    throw invalidEmail();
  }
  return email;
}
