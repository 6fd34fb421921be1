import Stripe from 'stripe';
import { ServiceUnavailableError } from '../platform/errors';
import { secrets } from '../platform/secrets';

/**
 * The one call the backend makes to Stripe's API: deleting the customer of an account its owner
 * deleted (docs/data-rights.md). Stripe holds the card; deleting the customer at Stripe is what
 * makes "delete my account" true for payment data too. The key is a restricted key (Customers:
 * write) from Secrets Manager; the API's address is configuration (STRIPE_API_URL), which points
 * the real SDK at the local stage's stand-in (scripts/lib/stripe-stand-in.ts).
 */
export interface StripeCustomers {
  /** Deletes the customer at Stripe; `already_gone` when Stripe no longer knows it. Idempotent. */
  delete(customerId: string): Promise<'deleted' | 'already_gone'>;
}

export class StripeKeyMissingError extends Error {
  constructor(secretId: string) {
    super(`Secret ${secretId} holds no Stripe API key; put {"key":"rk_..."} into it`);
    this.name = 'StripeKeyMissingError';
  }
}

export function stripeCustomers(options: { apiKeySecretId: string; apiUrl: string }): StripeCustomers {
  const url = new URL(options.apiUrl);
  let client: { key: string; stripe: Stripe } | undefined;
  async function stripe(): Promise<Stripe> {
    const { key } = await secrets.getJson<{ key?: string }>(options.apiKeySecretId);
    if (!key) throw new StripeKeyMissingError(options.apiKeySecretId);
    if (client?.key !== key) {
      client = {
        key,
        stripe: new Stripe(key, {
          host: url.hostname,
          port: url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80,
          protocol: url.protocol === 'http:' ? 'http' : 'https',
          // The SDK retries with an idempotency key and backoff; a delete is idempotent anyway.
          maxNetworkRetries: 2,
          timeout: 10_000,
          telemetry: false,
        }),
      };
    }
    return client.stripe;
  }
  return {
    async delete(customerId) {
      try {
        await (await stripe()).customers.del(customerId);
        return 'deleted';
      } catch (error) {
        const e = error as { type?: string; code?: string; statusCode?: number };
        if (e.statusCode === 404 && e.code === 'resource_missing') return 'already_gone';
        if (e.type === 'StripeConnectionError' || e.type === 'StripeAPIError' || e.type === 'StripeRateLimitError' || (e.statusCode ?? 0) >= 500) {
          throw new ServiceUnavailableError('Stripe is not answering; try again in a minute.', { cause: error });
        }
        throw error;
      }
    },
  };
}
