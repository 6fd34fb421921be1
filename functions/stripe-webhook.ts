import { httpHandler } from '../lib/http/handler';
import { json } from '../lib/http/responses';
import { dynamoEventClaims } from '../lib/billing/dynamo-event-claims';
import { receiveStripeEvent } from '../lib/billing/receipt';
import { sqsEventQueue } from '../lib/billing/sqs-event-queue';
import { stripeSignatureVerifier } from '../lib/billing/stripe-signature';
import { requireEnv } from '../lib/platform/config';
import { AppError } from '../lib/platform/errors';
import { countMetric } from '../lib/platform/metrics';

/** Stripe events are small; a generous limit still refuses abuse before any work is done. */
export const MAX_WEBHOOK_BODY_BYTES = 256 * 1024;

const deps = {
  verify: stripeSignatureVerifier(requireEnv('STRIPE_WEBHOOK_SECRET_ID')),
  claims: dynamoEventClaims(requireEnv('BILLING_TABLE')),
  queue: sqsEventQueue(requireEnv('STRIPE_EVENTS_QUEUE')),
};

export const handler = httpHandler({ body: 'raw', maxBodyBytes: MAX_WEBHOOK_BODY_BYTES }, async (request) => {
  try {
    await receiveStripeEvent(request.rawBody, request.headers['stripe-signature'], deps);
  } catch (error) {
    // A refused delivery (bad signature, stale timestamp, malformed event); outages are not counted here.
    if (error instanceof AppError && error.status < 500) countMetric('WebhookRejected');
    throw error;
  }
  countMetric('WebhookReceived');
  return json(200, { received: true });
});
