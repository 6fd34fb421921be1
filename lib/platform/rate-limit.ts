import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from './aws/dynamodb';
import { nowEpochSeconds } from './time';

/**
 * Fixed-window counters in the rate-limits table: one atomic UpdateItem per check, so concurrent
 * requests cannot both slip under the limit, and DynamoDB TTL removes old windows.
 */
export interface RateLimitRule {
  /** What is being limited, e.g. `incidents-ip`. */
  scope: string;
  limit: number;
  windowSeconds: number;
}

export interface RateLimitResult {
  allowed: boolean;
  count: number;
  /** Seconds until the window resets (meaningful when not allowed). */
  retryAfterSeconds: number;
}

export async function consumeRateLimit(tableName: string, rule: RateLimitRule, key: string, cost = 1): Promise<RateLimitResult> {
  const now = nowEpochSeconds();
  const windowStart = now - (now % rule.windowSeconds);
  const windowEnd = windowStart + rule.windowSeconds;
  const out = await documentClient.send(
    new UpdateCommand({
      TableName: tableName,
      Key: { pk: `RL#${rule.scope}#${key}`, sk: `W#${windowStart}` },
      UpdateExpression: 'ADD #count :cost SET #ttl = if_not_exists(#ttl, :ttl)',
      ExpressionAttributeNames: { '#count': 'count', '#ttl': 'ttl' },
      ExpressionAttributeValues: { ':cost': cost, ':ttl': windowEnd + 60 },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  const count = Number(out.Attributes?.count ?? cost);
  return { allowed: count <= rule.limit, count, retryAfterSeconds: Math.max(1, windowEnd - now) };
}
