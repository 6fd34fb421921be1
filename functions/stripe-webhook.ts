import { httpRoute } from '../lib/http/handler';
import { json } from '../lib/http/responses';
import { dynamoEventClaims } from '../lib/billing/dynamo-event-claims';
import { receiveStripeEvent } from '../lib/billing/receipt';
import { stripeWebhookRoute } from '../lib/billing/schemas';
import { sqsEventQueue } from '../lib/billing/sqs-event-queue';
import { stripeSignatureVerifier } from '../lib/billing/stripe-signature';
import { requireEnv } from '../lib/platform/config';

const deps = {
  verify: stripeSignatureVerifier(requireEnv('STRIPE_WEBHOOK_SECRET_ID')),
  claims: dynamoEventClaims(requireEnv('BILLING_TABLE')),
  queue: sqsEventQueue(requireEnv('STRIPE_EVENTS_QUEUE')),
};

export const handler = httpRoute(stripeWebhookRoute, async (request) => {
  await receiveStripeEvent(request.rawBody, request.headers['stripe-signature'], deps);
  return json(200, { received: true });
});
