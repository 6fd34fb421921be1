import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../platform/aws/dynamodb';
import { awsErrorName } from '../platform/aws/errors';
import { batchGetAll } from './dynamo-identity-store';
import { THROTTLE_RULES, TRUSTED_PAIR_SECONDS, type FailureCounter, type ThrottleRule, type ThrottleState } from './login-throttle';
import type { LoginThrottleStore } from './model';

/**
 * Login failure counters in the rate-limits table (keys hold an email hash, never the address):
 *   LOGIN#A#<emailKey> / FAILURES     per account
 *   LOGIN#I#<ip>       / FAILURES     per source IP
 *   LOGIN#A#<emailKey> / IP#<ip>      a pair that logged in successfully (plus its own failures)
 * Each has a `ttl` so DynamoDB removes quiet counters; the arithmetic never relies on it.
 */
const accountKey = (key: string) => ({ pk: `LOGIN#A#${key}`, sk: 'FAILURES' });
const ipKeyOf = (ip: string) => ({ pk: `LOGIN#I#${ip}`, sk: 'FAILURES' });
const pairKey = (key: string, ip: string) => ({ pk: `LOGIN#A#${key}`, sk: `IP#${ip}` });

function counter(item: Record<string, unknown> | undefined): FailureCounter | undefined {
  if (!item || item.lastFailureMs === undefined) return undefined;
  return { failures: Number(item.failures ?? 0), lastFailureMs: Number(item.lastFailureMs) };
}

export function dynamoLoginThrottle(table: string): LoginThrottleStore {
  /** +1 failure; a counter quiet for longer than its rule's window starts again from 1. */
  async function increment(key: { pk: string; sk: string }, rule: ThrottleRule, nowMs: number, mustExist: boolean) {
    const ttl = Math.ceil(nowMs / 1000) + rule.forgetAfterSeconds + 60;
    const exists = mustExist ? 'attribute_exists(pk) AND ' : '';
    try {
      await documentClient.send(
        new UpdateCommand({
          TableName: table,
          Key: key,
          UpdateExpression: 'ADD failures :one SET lastFailureMs = :now, #ttl = :ttl',
          ConditionExpression: `${exists}(attribute_not_exists(lastFailureMs) OR lastFailureMs > :stale)`,
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':one': 1, ':now': nowMs, ':ttl': mustExist ? Math.ceil(nowMs / 1000) + TRUSTED_PAIR_SECONDS : ttl, ':stale': nowMs - rule.forgetAfterSeconds * 1000 },
        }),
      );
    } catch (error) {
      if (awsErrorName(error) !== 'ConditionalCheckFailedException') throw error;
      if (mustExist) {
        // The pair exists but its failures are stale: restart them, keep lastSuccessMs.
        await documentClient
          .send(
            new UpdateCommand({
              TableName: table,
              Key: key,
              UpdateExpression: 'SET failures = :one, lastFailureMs = :now',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeValues: { ':one': 1, ':now': nowMs },
            }),
          )
          .catch((e: unknown) => {
            if (awsErrorName(e) !== 'ConditionalCheckFailedException') throw e;
          });
        return;
      }
      await documentClient.send(new PutCommand({ TableName: table, Item: { ...key, failures: 1, lastFailureMs: nowMs, ttl } }));
    }
  }

  return {
    async load(emailKey, ip): Promise<ThrottleState> {
      const keys = [accountKey(emailKey), ipKeyOf(ip), pairKey(emailKey, ip)];
      const got = (await batchGetAll({ [table]: { Keys: keys, ConsistentRead: true } }))[table] ?? [];
      const find = (k: { pk: string; sk: string }) => got.find((i) => i.pk === k.pk && i.sk === k.sk);
      const pair = find(keys[2]);
      return {
        account: counter(find(keys[0])),
        ip: counter(find(keys[1])),
        pair:
          pair && typeof pair.lastSuccessMs === 'number'
            ? { failures: Number(pair.failures ?? 0), lastFailureMs: Number(pair.lastFailureMs ?? 0), lastSuccessMs: pair.lastSuccessMs }
            : undefined,
      };
    },

    async recordFailure(emailKey, ip, trustedPair, nowMs) {
      await Promise.all([
        increment(accountKey(emailKey), THROTTLE_RULES.account, nowMs, false),
        increment(ipKeyOf(ip), THROTTLE_RULES.ip, nowMs, false),
        trustedPair ? increment(pairKey(emailKey, ip), THROTTLE_RULES.pair, nowMs, true) : Promise.resolve(),
      ]);
    },

    async recordSuccess(emailKey, ip, nowMs) {
      // The account counter is left to decay: a success must not hand an attacker fresh guesses.
      await documentClient.send(
        new PutCommand({
          TableName: table,
          Item: { ...pairKey(emailKey, ip), lastSuccessMs: nowMs, failures: 0, lastFailureMs: 0, ttl: Math.ceil(nowMs / 1000) + TRUSTED_PAIR_SECONDS },
        }),
      );
    },
  };
}
