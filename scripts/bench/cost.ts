import type { AwsCall } from '../lib/aws-call-counter';
import { PRICES } from './prices';
import { median, round } from './stats';

/** `service:Command` (Command suffix dropped), the key of per-call-type medians and floors. */
export const callType = (c: Pick<AwsCall, 'service' | 'command'>) => `${c.service}:${c.command.replace(/Command$/, '')}`;

/** Median round trip per call type over every call the bench made. */
export function callTypeMedians(calls: AwsCall[]): Record<string, { medianMs: number; calls: number }> {
  const byType = new Map<string, number[]>();
  for (const c of calls) if (typeof c.ms === 'number') byType.set(callType(c), [...(byType.get(callType(c)) ?? []), c.ms]);
  return Object.fromEntries([...byType.entries()].sort().map(([type, ms]) => [type, { medianMs: round(median(ms), 3)!, calls: ms.length }]));
}

/**
 * The floor of a route on this machine: its AWS calls, each at the emulator's median for that call
 * type, one after the other, plus argon2id for each hash or verify it does. What the code adds on
 * top of that is its own work (parsing, validation, crypto, JSON).
 */
export function floorMs(perRequest: string[], medians: Record<string, { medianMs: number }>, argon2Ops: number, argon2Ms: number | null): number | null {
  let total = 0;
  for (const type of perRequest) {
    const m = medians[type]?.medianMs;
    if (m === undefined) return null;
    total += m;
  }
  if (argon2Ops > 0) {
    if (argon2Ms === null) return null;
    total += argon2Ops * argon2Ms;
  }
  return round(total, 3);
}

export interface RequestCost {
  /** DynamoDB capacity per request (median over the iterations). */
  readUnits: number;
  writeUnits: number;
  lambdaGbSeconds: number;
  /** Per request; the parts below add up to usdPerMillion / 1e6. */
  usdPerMillion: number;
  usdPerMillionParts: { lambda: number; apiGateway: number; dynamodb: number; sqs: number; ses: number; kms: number; secretsManager: number };
}

/**
 * Dollars per million requests of a route on AWS, from one representative request's calls (the
 * median capacity), the warm p50 duration at the function's memory, and the price table.
 * Scope: the request itself; asynchronous work it causes (the Stripe worker, mail delivery
 * events) is costed on its own row.
 */
export function requestCost(options: { perRequest: string[]; readUnits: number; writeUnits: number; durationMs: number; memoryMb: number; viaApiGateway: boolean }): RequestCost {
  const calls = options.perRequest.map((t) => ({ service: t.slice(0, t.indexOf(':')), command: t.slice(t.indexOf(':') + 1) }));
  const count = (service: string) => calls.filter((c) => c.service === service).length;
  const gbSeconds = (options.memoryMb / 1024) * (Math.ceil(options.durationMs) / 1000);
  const parts = {
    lambda: gbSeconds * PRICES.lambdaArmPerGbSecond + PRICES.lambdaPerRequest,
    apiGateway: options.viaApiGateway ? PRICES.apiGatewayRestPerRequest : 0,
    dynamodb: options.readUnits * PRICES.dynamodbPerReadRequestUnit + options.writeUnits * PRICES.dynamodbPerWriteRequestUnit,
    sqs: count('sqs') * PRICES.sqsPerRequest,
    ses: calls.filter((c) => c.service === 'ses' && /SendEmail|SendRawEmail/.test(c.command)).length * PRICES.sesPerEmail,
    kms: count('kms') * PRICES.kmsPerRequest,
    secretsManager: count('secrets-manager') * PRICES.secretsManagerPerCall,
  };
  const million = (v: number) => round(v * 1e6, 4)!;
  const usdPerMillionParts = Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, million(v)])) as RequestCost['usdPerMillionParts'];
  return {
    readUnits: options.readUnits,
    writeUnits: options.writeUnits,
    lambdaGbSeconds: round(gbSeconds, 6)!,
    usdPerMillion: million(Object.values(parts).reduce((a, b) => a + b, 0)),
    usdPerMillionParts,
  };
}
