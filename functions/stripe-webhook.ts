import { httpHandler } from '../lib/http/handler';
import { json } from '../lib/http/responses';
import { dynamoEventClaims } from '../lib/billing/dynamo-event-claims';
import { receiveStripeEvent } from '../lib/billing/receipt';
import { sqsEventQueue } from '../lib/billing/sqs-event-queue';
import { stripeSignatureVerifier } from '../lib/billing/stripe-signature';
import { requireEnv } from '../lib/platform/config';

/** Stripe events are small; a generous limit still refuses abuse before any work is done. */
export const MAX_WEBHOOK_BODY_BYTES = 256 * 1024;

const deps = {
  verify: stripeSignatureVerifier(requireEnv('STRIPE_WEBHOOK_SECRET_ID')),
  claims: dynamoEventClaims(requireEnv('BILLING_TABLE')),
  queue: sqsEventQueue(requireEnv('STRIPE_EVENTS_QUEUE')),
};

export const handler = httpHandler({ body: 'raw', maxBodyBytes: MAX_WEBHOOK_BODY_BYTES }, async (request) => {
  await receiveStripeEvent(request.rawBody, request.headers['stripe-signature'], deps);
  return json(200, { received: true });
});
