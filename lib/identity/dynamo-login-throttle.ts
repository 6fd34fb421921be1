import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../platform/aws/dynamodb';
import { awsErrorName } from '../platform/aws/errors';
import {
  isStale,
  nextAllowedAfterFailure,
  nextAllowedAfterSuccess,
  RESERVATION_LEASE_MS,
  retryAfterFromStored,
  THROTTLE_RULES,
  TRUSTED_PAIR_SECONDS,
  type StoredCounter,
  type ThrottleRule,
} from './login-throttle';
import type { LoginThrottleStore, Reservation } from './model';

/**
 * Login counters in the rate-limits table (keys hold an email hash, never the address):
 *   LOGIN#A#<emailKey> / FAILURES     per account
 *   LOGIN#I#<ip>       / FAILURES     per source IP
 *   LOGIN#A#<emailKey> / IP#<ip>      a pair that logged in successfully (plus its own failures)
 *
 * An attempt is RESERVED before any hashing: one TransactWriteItems that adds one to the account
 * (or trusted pair) counter and the IP counter, each under the condition that the counter allows
 * an attempt now (`mayReserve` in ./login-throttle is that condition, as a pure function). At the
 * limit the write fails and nothing is counted, so 30 parallel guesses check at most the free
 * allowance. The attempt is SETTLED after: a failure sets the back-off (only if no other attempt
 * moved the counter meanwhile), a success gives the attempt back inside the token transaction.
 * Counters carry a `ttl`; the arithmetic never relies on it.
 */
type Key = { pk: string; sk: string };
const accountKeyOf = (key: string): Key => ({ pk: `LOGIN#A#${key}`, sk: 'FAILURES' });
const ipKeyOf = (ip: string): Key => ({ pk: `LOGIN#I#${ip}`, sk: 'FAILURES' });
const pairKeyOf = (key: string, ip: string): Key => ({ pk: `LOGIN#A#${key}`, sk: `IP#${ip}` });

/** May take an attempt now: the condition form of `mayReserve` (a stale counter fails it and is reset apart). */
export const RESERVE_CONDITION =
  '(attribute_not_exists(failures) OR failures <= :zero OR (lastFailureMs > :stale AND (failures < :free OR attribute_not_exists(nextAllowedMs) OR nextAllowedMs <= :now)))';
const STALE = '(attribute_exists(failures) AND failures > :zero AND (attribute_not_exists(lastFailureMs) OR lastFailureMs <= :stale))';

type Op = 'reserve' | 'reset';

/** A stored attribute value as DynamoDB returns it in a cancellation reason ({ N: "5" }). */
function rawNumber(value: unknown): number | undefined {
  if (value && typeof value === 'object' && 'N' in value) return Number((value as { N: string }).N);
  return typeof value === 'number' ? value : undefined;
}

function storedFrom(item: Record<string, unknown> | undefined): StoredCounter | undefined {
  if (!item) return undefined;
  const failures = rawNumber(item.failures);
  if (failures === undefined) return undefined;
  return { failures, lastFailureMs: rawNumber(item.lastFailureMs), nextAllowedMs: rawNumber(item.nextAllowedMs) };
}

export function dynamoLoginThrottle(table: string): LoginThrottleStore {
  function counterUpdate(key: Key, rule: ThrottleRule, op: Op, nowMs: number, trustedPair: boolean) {
    const values: Record<string, unknown> = { ':one': 1, ':zero': 0, ':now': nowMs, ':lease': nowMs + RESERVATION_LEASE_MS, ':stale': nowMs - rule.forgetAfterSeconds * 1000 };
    const names: Record<string, string> = {};
    let condition = op === 'reserve' ? RESERVE_CONDITION : STALE;
    if (op === 'reserve') values[':free'] = rule.freeFailures;
    let update = op === 'reserve' ? 'ADD failures :one SET lastFailureMs = :now, nextAllowedMs = :lease' : 'SET failures = :one, lastFailureMs = :now, nextAllowedMs = :lease';
    if (trustedPair) {
      // Only a pair that logged in within TRUSTED_PAIR_SECONDS stands in for the account counter.
      condition = `attribute_exists(lastSuccessMs) AND lastSuccessMs > :trustedSince AND ${condition}`;
      values[':trustedSince'] = nowMs - TRUSTED_PAIR_SECONDS * 1000;
    } else {
      update += ', #ttl = :ttl';
      names['#ttl'] = 'ttl';
      values[':ttl'] = Math.ceil(nowMs / 1000) + rule.forgetAfterSeconds + 60;
    }
    return {
      Update: {
        TableName: table,
        Key: key,
        UpdateExpression: update,
        ConditionExpression: condition,
        ExpressionAttributeNames: Object.keys(names).length > 0 ? names : undefined,
        ExpressionAttributeValues: values,
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
      },
    };
  }

  /** One reservation write; the counters that refused it (with what they hold) when it fails. */
  async function tryReserve(parts: Array<{ key: Key; rule: ThrottleRule; op: Op; pair: boolean }>, nowMs: number) {
    const input: TransactWriteCommandInput = { TransactItems: parts.map((p) => counterUpdate(p.key, p.rule, p.op, nowMs, p.pair)) };
    try {
      await documentClient.send(new TransactWriteCommand(input));
      return { ok: true as const };
    } catch (error) {
      if (awsErrorName(error) !== 'TransactionCanceledException') throw error;
      const reasons = (error as { CancellationReasons?: Array<{ Code?: string; Item?: Record<string, unknown> }> }).CancellationReasons ?? [];
      return {
        ok: false as const,
        conflict: reasons.some((r) => r.Code === 'TransactionConflict'),
        refused: reasons.map((r) => (r.Code === 'ConditionalCheckFailed' ? { stored: storedFrom(r.Item) } : undefined)),
      };
    }
  }

  return {
    async reserve(accountKey, ip, nowMs) {
      const account = { key: accountKeyOf(accountKey), rule: THROTTLE_RULES.account, op: 'reserve' as Op, pair: false };
      const pair = { key: pairKeyOf(accountKey, ip), rule: THROTTLE_RULES.pair, op: 'reserve' as Op, pair: true };
      const byIp = { key: ipKeyOf(ip), rule: THROTTLE_RULES.ip, op: 'reserve' as Op, pair: false };
      let first = account;
      let path: Reservation['path'] = 'account';
      const blocked: Array<StoredCounter | undefined> = [];
      // Usually one write. More only when a counter must restart after a quiet period, when the
      // account is locked and this IP may be a trusted pair, or on a write conflict (real DynamoDB).
      for (let attempt = 0; attempt < 4; attempt += 1) {
        const outcome = await tryReserve([first, byIp], nowMs);
        if (outcome.ok) {
          return { reservation: { accountKey, ip, path, read: { table, keys: [first.key, byIp.key] } } };
        }
        if (outcome.conflict && outcome.refused.every((r) => r === undefined)) {
          await new Promise((r) => setTimeout(r, 10 + Math.random() * 40));
          continue;
        }
        const [firstRefusal, ipRefusal] = outcome.refused;
        if (ipRefusal) {
          if (isStale(ipRefusal.stored, byIp.rule, nowMs) && byIp.op === 'reserve') byIp.op = 'reset';
          else return { retryAfterSeconds: retryAfterFromStored([ipRefusal.stored, firstRefusal?.stored], nowMs) };
        }
        if (firstRefusal) {
          if (isStale(firstRefusal.stored, first.rule, nowMs) && first.op === 'reserve') first.op = 'reset';
          else if (path === 'account') {
            // The account is locked: an IP that logged in to it before is judged by its own counter.
            blocked.push(firstRefusal.stored);
            first = pair;
            path = 'pair';
          } else {
            return { retryAfterSeconds: retryAfterFromStored([...blocked, firstRefusal.stored], nowMs) };
          }
        }
      }
      return { retryAfterSeconds: retryAfterFromStored(blocked, nowMs) };
    },

    async settleFailure(reservation, counters, nowMs) {
      const parts = settleParts(reservation, counters);
      const updates = parts.map(({ key, rule, failures }) => ({
        key,
        ruleBound: failures >= rule.freeFailures,
        item: {
          Update: {
            TableName: table,
            Key: key,
            UpdateExpression: 'SET nextAllowedMs = :next',
            // Only the newest attempt settles: an older one finishing late must not undo a back-off.
            ConditionExpression: 'failures = :n',
            ExpressionAttributeValues: { ':next': failures >= rule.freeFailures ? nextAllowedAfterFailure(failures, rule, nowMs) : nowMs, ':n': failures },
          },
        },
      }));
      try {
        await documentClient.send(new TransactWriteCommand({ TransactItems: updates.map((u) => u.item) }));
      } catch (error) {
        if (awsErrorName(error) !== 'TransactionCanceledException') throw error;
        // Another attempt moved a counter: it settles that one. Counters past the allowance admit
        // one attempt at a time (the lease), so theirs is still ours to set.
        const bound = updates.filter((u) => u.ruleBound);
        if (bound.length === 0) return;
        await documentClient.send(new TransactWriteCommand({ TransactItems: bound.map((u) => u.item) })).catch((e: unknown) => {
          if (awsErrorName(e) !== 'TransactionCanceledException') throw e;
        });
      }
    },

    successWrites(reservation, counters, nowMs) {
      const pairTtl = Math.ceil(nowMs / 1000) + TRUSTED_PAIR_SECONDS;
      const writes: unknown[] = settleParts(reservation, counters).map(({ key, rule, failures, isPair }) => ({
        Update: {
          TableName: table,
          Key: key,
          UpdateExpression: isPair ? 'ADD failures :minus SET nextAllowedMs = :next, lastSuccessMs = :now, #ttl = :ttl' : 'ADD failures :minus SET nextAllowedMs = :next',
          // The back-off is set from the count this login read. If another attempt was reserved
          // since, past the free allowance (its lease or back-off had passed), setting it would
          // shorten that attempt's lease and let one more attempt in beside it: refused then, and
          // the login gives its attempt back with giveBackWrites instead. Below the allowance
          // (after this login's give-back) nextAllowedMs decides nothing, so that race is harmless.
          ConditionExpression: 'failures = :n OR failures <= :free',
          ExpressionAttributeNames: isPair ? { '#ttl': 'ttl' } : undefined,
          ExpressionAttributeValues: {
            ':minus': -1,
            ':next': nextAllowedAfterSuccess(failures, rule, nowMs),
            ':n': failures,
            ':free': rule.freeFailures,
            ...(isPair ? { ':now': nowMs, ':ttl': pairTtl } : {}),
          },
        },
      }));
      if (reservation.path === 'account') writes.push(trustPair(reservation, nowMs));
      return writes;
    },

    giveBackWrites(reservation, nowMs) {
      const pairTtl = Math.ceil(nowMs / 1000) + TRUSTED_PAIR_SECONDS;
      const [firstKey, ipKey] = reservation.read.keys as Key[];
      const isPair = reservation.path === 'pair';
      // The attempt back, nothing else: the newer attempt's lease (and later its back-off) stands.
      const giveBack = (key: Key, pair: boolean) => ({
        Update: {
          TableName: table,
          Key: key,
          UpdateExpression: pair ? 'ADD failures :minus SET lastSuccessMs = :now, #ttl = :ttl' : 'ADD failures :minus',
          ExpressionAttributeNames: pair ? { '#ttl': 'ttl' } : undefined,
          ExpressionAttributeValues: pair ? { ':minus': -1, ':now': nowMs, ':ttl': pairTtl } : { ':minus': -1 },
        },
      });
      return [giveBack(firstKey, isPair), giveBack(ipKey, false), ...(isPair ? [] : [trustPair(reservation, nowMs)])];
    },
  };

  /** This IP is now trusted for this account (the pair rule); the account counter is given back its one attempt but otherwise left to decay: a success hands no one fresh guesses. */
  function trustPair(reservation: Reservation, nowMs: number) {
    return {
      Update: {
        TableName: table,
        Key: pairKeyOf(reservation.accountKey, reservation.ip),
        UpdateExpression: 'SET lastSuccessMs = :now, #ttl = :ttl',
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':now': nowMs, ':ttl': Math.ceil(nowMs / 1000) + TRUSTED_PAIR_SECONDS },
      },
    };
  }

  function settleParts(reservation: Reservation, counters: Record<string, unknown>[]) {
    const [firstKey, ipKey] = reservation.read.keys as Key[];
    const find = (k: Key) => counters.find((i) => i.pk === k.pk && i.sk === k.sk);
    const failuresOf = (k: Key) => Number(find(k)?.failures ?? 1);
    const isPair = reservation.path === 'pair';
    return [
      { key: firstKey, rule: isPair ? THROTTLE_RULES.pair : THROTTLE_RULES.account, failures: failuresOf(firstKey), isPair },
      { key: ipKey, rule: THROTTLE_RULES.ip, failures: failuresOf(ipKey), isPair: false },
    ];
  }
}
