import * as z from 'zod/mini';
import { defineRoute, withMeta } from '../http/contract';
import { errorBody } from '../http/fields';

/** The contract of the Stripe webhook (docs/contract.md). */

/** Stripe events are small; a generous limit still refuses abuse before any work is done. */
export const MAX_WEBHOOK_BODY_BYTES = 256 * 1024;

/**
 * The envelope fields the receiver relies on, read only after the signature over the raw bytes
 * has been verified. Everything else in the event (the object's card, address or bank fields
 * included) is left behind: the projection in events.ts picks what is kept.
 */
export const stripeEventEnvelope = z.object({
  id: withMeta(z.string().check(z.regex(/^evt_[A-Za-z0-9_]{1,250}$/)), { example: 'evt_1QxYz2AbCdEfGh' }),
  type: withMeta(z.string().check(z.minLength(1), z.maxLength(255)), { example: 'customer.subscription.updated' }),
  created: withMeta(z.number().check(z.int()), { description: 'Unix seconds' }),
  livemode: z.optional(z.boolean()),
  data: z.object({ object: z.looseObject({}) }),
});

export const stripeWebhookRoute = defineRoute({
  id: 'receiveStripeWebhook',
  method: 'POST',
  path: '/v1/webhooks/stripe',
  tag: 'billing',
  summary: 'Stripe events (signed)',
  description: 'The signature is verified over the exact bytes before the body is parsed; only an allow-listed projection of the event is kept.',
  auth: 'stripe-signature',
  headers: z.object({ 'Stripe-Signature': withMeta(z.string(), { description: 't=<unix seconds>,v1=<HMAC-SHA256>; 300 s tolerance' }) }),
  body: { mode: 'raw', schema: withMeta(stripeEventEnvelope, { description: 'a Stripe event, as Stripe sends it' }), maxBytes: MAX_WEBHOOK_BODY_BYTES },
  responses: {
    200: { description: 'Verified and received (duplicates and unhandled types included)', schema: z.object({ received: z.literal(true) }) },
    400: { description: '`invalid_signature` (missing, wrong, or outside the tolerance) or `invalid_payload` (signed, but not a Stripe event)', schema: errorBody },
    409: { description: '`event_in_progress`: another delivery of this event is being handed off; Stripe retries', schema: errorBody },
  },
});
