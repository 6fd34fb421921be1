import { computeInsights } from '../lib/access/insights';
import { dynamoInsightsSource } from '../lib/access/dynamo-insights-source';
import { opsHandler } from '../lib/ops/handler';
import { requireEnv } from '../lib/platform/config';
import { BadRequestError } from '../lib/platform/errors';
import { nowEpochMillis } from '../lib/platform/time';

const source = dynamoInsightsSource({ accounts: requireEnv('ACCOUNTS_TABLE'), incidents: requireEnv('INCIDENTS_TABLE') });

function weeksArg(value: unknown): number {
  if (value === undefined || value === null || value === '') return 12;
  const weeks = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isInteger(weeks) || weeks < 1 || weeks > 104) throw new BadRequestError('invalid_argument', '--weeks must be a whole number from 1 to 104.');
  return weeks;
}

/** `insights`: aggregates only; no individual record leaves this function. */
export const handler = opsHandler({
  summary: async (args) => computeInsights(source, { now: nowEpochMillis(), weeks: weeksArg(args.weeks) }),
});
