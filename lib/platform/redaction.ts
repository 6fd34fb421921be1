/**
 * What must never reach a log line: credentials, tokens, secrets and card data. The logger runs
 * every key/value through `redact` on its way to JSON, at any depth.
 */
const SENSITIVE_KEY =
  /pass(word|phrase)?|secret|token|authorization|cookie|pepper|api[-_]?key|signature|^card$|cards|last4|exp_?month|exp_?year|fingerprint|iban|routing|account_?number|cvc|cvv|^number$|pan$/i;

/** Values that are secrets whatever key they sit under. */
const SENSITIVE_VALUE = [
  /\bhs_[A-Za-z0-9_-]{16,}/g, // HelpShelf access, verification and tracking tokens
  /\bwhsec_[A-Za-z0-9+/=_-]{8,}/g, // Stripe webhook signing secrets
  /\b(sk|rk)_(live|test)_[A-Za-z0-9]{8,}/g, // Stripe API keys
  /\bBearer\s+[^\s,;"]+/gi,
  /\$argon2(id|i|d)\$[^\s"]+/g, // password hashes
];

export const REDACTED = '[REDACTED]';

export function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEY.test(key);
}

export function redactString(value: string): string {
  let out = value;
  for (const pattern of SENSITIVE_VALUE) out = out.replace(pattern, REDACTED);
  return out;
}

/** A JSON.stringify replacer: keys that name secrets lose their value, strings lose embedded tokens. */
export function redactingReplacer(key: string, value: unknown): unknown {
  if (isSensitiveKey(key) && value !== null && value !== undefined && typeof value !== 'boolean') {
    return REDACTED;
  }
  if (typeof value === 'string') return redactString(value);
  return value;
}

/** Deep copy with the same rules, for places that hold objects rather than serialise them. */
export function redact<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, redactingReplacer)) as T;
}
