import Stripe from 'stripe';
import { secrets } from '../platform/secrets';
import { nowEpochMillis } from '../platform/time';
import type { SignatureVerifier } from './receipt';

/**
 * Stripe's default: a signature dated more than 5 minutes from now is refused (replay protection).
 * Stripe's library checks only the past; `signedAtWithinTolerance` checks both directions.
 */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/**
 * The timestamp a Stripe-Signature header signs (`t=`), when the header carries exactly one
 * all-digit `t`; undefined otherwise. Stricter than Stripe's parser (which takes the last `t`),
 * so a header Stripe would read one way cannot be read another way here.
 */
export function signedTimestamp(header: string): number | undefined {
  const values = header.split(',').filter((item) => item.split('=')[0] === 't').map((item) => item.slice(2));
  if (values.length !== 1 || !/^\d{1,12}$/.test(values[0])) return undefined;
  return Number(values[0]);
}

/** True when the header's signed timestamp lies within the tolerance of `nowMs`, before or after it. */
export function signedAtWithinTolerance(header: string, nowMs: number, toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS): boolean {
  const t = signedTimestamp(header);
  return t !== undefined && Math.abs(Math.floor(nowMs / 1000) - t) <= toleranceSeconds;
}

export class WebhookSecretMissingError extends Error {
  constructor(secretId: string) {
    super(`Secret ${secretId} holds no Stripe signing secret; put {"current":"whsec_..."} into it`);
    this.name = 'WebhookSecretMissingError';
  }
}

interface WebhookSecrets {
  current?: string;
  previous?: string;
}

/**
 * Adapter: `stripe.webhooks.constructEvent` over the raw body, with the current and then the
 * previous signing secret of the Secrets Manager secret ({"current","previous"}), so the secret
 * can rotate without dropping events. Nothing parses the body before the signature is checked.
 */
export function stripeSignatureVerifier(
  secretId: string,
  readSecrets: (id: string) => Promise<WebhookSecrets> = (id) => secrets.getJson<WebhookSecrets>(id),
  now: () => number = nowEpochMillis,
): SignatureVerifier {
  return async (rawBody, header) => {
    const value = await readSecrets(secretId);
    const candidates = [value.current, value.previous].filter((s): s is string => typeof s === 'string' && s.length > 0);
    // A stage deployed without its signing secret is our fault, not the sender's: a 500 (logged), not a 400.
    if (candidates.length === 0) throw new WebhookSecretMissingError(secretId);
    const receivedAt = now();
    // A timestamp in the future is refused like one in the past (Stripe's check covers only the past).
    if (!signedAtWithinTolerance(header, receivedAt)) return { ok: false, reason: 'signature' };
    for (const secret of candidates) {
      try {
        return { ok: true, parsed: Stripe.webhooks.constructEvent(rawBody, header, secret, SIGNATURE_TOLERANCE_SECONDS, undefined, receivedAt) };
      } catch (error) {
        // constructEvent parses only after the signature matched: a SyntaxError means a signed non-JSON body.
        if (error instanceof SyntaxError) return { ok: false, reason: 'payload' };
      }
    }
    return { ok: false, reason: 'signature' };
  };
}
