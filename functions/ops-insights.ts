import * as z from 'zod/mini';
import { computeInsights } from '../lib/access/insights';
import { dynamoInsightsSource } from '../lib/access/dynamo-insights-source';
import { wholeNumber } from '../lib/ops/args';
import { action, opsHandler } from '../lib/ops/handler';
import { requireEnv } from '../lib/platform/config';
import { nowEpochMillis } from '../lib/platform/time';

const source = dynamoInsightsSource({ accounts: requireEnv('ACCOUNTS_TABLE'), incidents: requireEnv('INCIDENTS_TABLE') });

/** `insights`: aggregates only; no individual record leaves this function. */
export const handler = opsHandler({
  summary: action(z.object({ weeks: wholeNumber(1, 104, 12) }), ({ weeks }) => computeInsights(source, { now: nowEpochMillis(), weeks })),
});
