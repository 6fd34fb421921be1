import { httpRoute } from '../lib/http/handler';
import { json } from '../lib/http/responses';
import { dynamoEventClaims } from '../lib/billing/dynamo-event-claims';
import { receiveStripeEvent } from '../lib/billing/receipt';
import { stripeWebhookRoute } from '../lib/billing/schemas';
import { sqsEventQueue } from '../lib/billing/sqs-event-queue';
import { stripeSignatureVerifier } from '../lib/billing/stripe-signature';
import { requireEnv } from '../lib/platform/config';
import { AppError } from '../lib/platform/errors';
import { countMetric } from '../lib/platform/metrics';

const deps = {
  verify: stripeSignatureVerifier(requireEnv('STRIPE_WEBHOOK_SECRET_ID')),
  claims: dynamoEventClaims(requireEnv('BILLING_TABLE')),
  queue: sqsEventQueue(requireEnv('STRIPE_EVENTS_QUEUE')),
};

export const handler = httpRoute(stripeWebhookRoute, async (request) => {
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
