import { countAwsCalls, type AwsCall } from '../lib/aws-call-counter';
import type { RequestCost } from './cost';
import type { StageConfig } from '../lib/stage-config';
import { isServed, resolveRouteIn, type FunctionDef } from '../lib/api-events';
import { routeInvoker } from './context';
import { percentile, round } from './stats';
import type { AwsCallTarget, BenchContext, WarmScenario } from './types';

export interface WarmResult {
  name: string;
  method: string;
  path: string;
  status: 'ok' | 'not built' | 'failed';
  reason?: string;
  functionKey?: string;
  iterations: number;
  unexpected: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  awsCalls?: { median: number; max: number; sesMax: number; perRequest: string[] };
  target?: AwsCallTarget;
  withinTarget?: boolean | null;
  /** DynamoDB capacity units per request (median over the iterations), scripts/bench/capacity.ts. */
  capacity?: { readUnits: number; writeUnits: number };
  /** Argon2id hashes or verifies per request (from the scenario), part of the floor. */
  argon2Ops?: number;
  /** The floor (AWS calls at the emulator's median per call type + argon2) and p50 / floor. */
  floorMs?: number | null;
  floorRatio?: number | null;
  /** Dollars per million requests on AWS (scripts/bench/prices.ts). */
  usdPerMillion?: number | null;
  cost?: RequestCost | null;
}

function withinTarget(target: AwsCallTarget | undefined, max: number, sesMax: number): boolean | null {
  if (!target) return null;
  if (target.plusEmail) return max - sesMax <= target.max && sesMax <= (target.emails ?? 1);
  return max <= target.max;
}

/** `allCalls` collects every AWS call of the timed iterations (for the per-call-type medians). */
export async function runWarmScenario(config: StageConfig, ctx: BenchContext, scenario: WarmScenario, iterations: number, allCalls: AwsCall[] = []): Promise<WarmResult> {
  const base = { name: scenario.name, method: scenario.method, path: scenario.path, target: scenario.awsCalls, iterations: 0, unexpected: 0, p50Ms: null, p95Ms: null, p99Ms: null };
  const missing = [...(scenario.fallbackRoute ? [] : [`${scenario.method} ${scenario.path}`]), ...scenario.requires].filter((r) => !isServed(config.functions as Record<string, FunctionDef>, r));
  if (missing.length) return { ...base, status: 'not built', reason: `missing ${missing.join(', ')}` };
  const invoke = routeInvoker(config);
  const n = Math.min(iterations, scenario.maxIterations ?? iterations);
  try {
    const functionKey = resolveRouteIn(config.functions as Record<string, FunctionDef>, scenario.method, scenario.path).key;
    const state = scenario.setup ? await scenario.setup(ctx) : undefined;
    // One untimed call so module loading and first connections are not in the warm numbers.
    await invoke(await scenario.request(ctx, state, -1));
    const times: number[] = [];
    const callCounts: number[] = [];
    let sesMax = 0;
    let unexpected = 0;
    let perRequest: string[] = [];
    const reads: number[] = [];
    const writes: number[] = [];
    for (let i = 0; i < n; i += 1) {
      const request = await scenario.request(ctx, state, i);
      const start = process.hrtime.bigint();
      const { result, calls } = await countAwsCalls(() => invoke(request));
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
      if (!scenario.expect.includes(result.response.status)) unexpected += 1;
      callCounts.push(calls.length);
      allCalls.push(...calls);
      reads.push(calls.reduce((sum, c) => sum + (c.capacity?.read ?? 0), 0));
      writes.push(calls.reduce((sum, c) => sum + (c.capacity?.write ?? 0), 0));
      sesMax = Math.max(sesMax, calls.filter((c) => c.service === 'ses').length);
      if (calls.length >= Math.max(...callCounts)) perRequest = calls.map((c) => `${c.service}:${c.command.replace(/Command$/, '')}`);
    }
    const max = Math.max(0, ...callCounts);
    const failed = unexpected === n || (scenario.everyRequestMustSucceed === true && unexpected > 0);
    return {
      ...base,
      status: failed ? 'failed' : 'ok',
      reason: failed ? `${unexpected === n ? 'every response was' : `${unexpected} of ${n} responses were`} unexpected (expected ${scenario.expect.join('/')})` : undefined,
      functionKey,
      iterations: n,
      unexpected,
      p50Ms: round(percentile(times, 50), 3),
      p95Ms: round(percentile(times, 95), 3),
      p99Ms: round(percentile(times, 99), 3),
      awsCalls: { median: percentile(callCounts, 50), max, sesMax, perRequest },
      target: scenario.awsCalls,
      withinTarget: withinTarget(scenario.awsCalls, max, sesMax),
      capacity: { readUnits: percentile(reads, 50), writeUnits: percentile(writes, 50) },
      argon2Ops: scenario.argon2Ops ?? 0,
    };
  } catch (error) {
    return { ...base, status: 'failed', reason: (error as Error).message.split('\n')[0] };
  }
}
