import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { dynamoBillingRepository } from '../lib/billing/dynamo-billing-repository';
import { dynamoEventClaims } from '../lib/billing/dynamo-event-claims';
import { processBillingBatch } from '../lib/billing/worker';
import { boolEnv, requireEnv } from '../lib/platform/config';
import { loggedHandler } from '../lib/platform/logger';
import { sesMailer } from '../lib/platform/mailer';

const deps = {
  repository: dynamoBillingRepository(requireEnv('BILLING_TABLE'), requireEnv('ACCOUNTS_TABLE')),
  receipts: dynamoEventClaims(requireEnv('BILLING_TABLE')),
  mailer: sesMailer(),
  livemode: boolEnv('STRIPE_LIVEMODE', true),
  billingUrl: `${requireEnv('WEBSITE_URL')}/account/billing`,
};

/** SQS event source (batch, ReportBatchItemFailures): applies Stripe events to billing state. */
export const handler = loggedHandler(async (event: SQSEvent): Promise<SQSBatchResponse> => processBillingBatch(event.Records ?? [], deps));
