import Stripe from 'stripe';
import { secrets } from '../platform/secrets';
import type { SignatureVerifier } from './receipt';

/** Stripe's default: a signature older than 5 minutes is refused (replay protection). */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

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
export function stripeSignatureVerifier(secretId: string, readSecrets: (id: string) => Promise<WebhookSecrets> = (id) => secrets.getJson<WebhookSecrets>(id)): SignatureVerifier {
  return async (rawBody, header) => {
    const value = await readSecrets(secretId);
    const candidates = [value.current, value.previous].filter((s): s is string => typeof s === 'string' && s.length > 0);
    // A stage deployed without its signing secret is our fault, not the sender's: a 500 (logged), not a 400.
    if (candidates.length === 0) throw new WebhookSecretMissingError(secretId);
    for (const secret of candidates) {
      try {
        return { ok: true, parsed: Stripe.webhooks.constructEvent(rawBody, header, secret, SIGNATURE_TOLERANCE_SECONDS) };
      } catch (error) {
        // constructEvent parses only after the signature matched: a SyntaxError means a signed non-JSON body.
        if (error instanceof SyntaxError) return { ok: false, reason: 'payload' };
      }
    }
    return { ok: false, reason: 'signature' };
  };
}
