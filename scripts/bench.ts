/**
 * `npm run bench`: bundle size, cold init against the SDK floor, warm latency with AWS calls per
 * request, and Stripe throughput, against a private emulator started for the run. Prints a table
 * as it goes and writes bench/results.json and bench/summary.md (and the README's bench section
 * on a full run).
 *
 * Environment: BENCH_QUICK=1 (few iterations, for the bench's own test), BENCH_WARM_ITERATIONS
 * (default 500) and BENCH_COLD_RUNS (default 15) for a shorter full run, BENCH_OUT_DIR (default
 * bench/), BENCH_ONLY_FUNCTIONS=a,b (limit the bundle/cold-init part), BENCH_ONLY_SCENARIOS=name,name
 * (limit the warm rows), BENCH_UPDATE_README=0.
 * The scenarios are data: scripts/bench/scenarios.ts.
 */
import './bench/preload';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { emulatorEnvironment, EMULATOR_REGION, freePort, startEmulator, type Emulator } from './lib/emulator';
import { provisionStage } from './lib/provision';
import { allFunctionsEnvironment, functionEnvironment, loadStageConfig, PROJECT_ROOT } from './lib/stage-config';
import { tempDir } from './lib/temp-dir';
import { instrumentPlatformClients, setCallObserver, type AwsCall } from './lib/aws-call-counter';
import { capacityObserver } from './bench/capacity';
import { benchChart } from './bench/chart';
import { callTypeMedians, floorMs, requestCost } from './bench/cost';
import { PRICES } from './bench/prices';
import { allWarmScenarios } from './bench/registry';
import { argon2VerifyMs, findArgon2Params } from './bench/argon2';
import { bundleFunction, coldInit, type EsbuildCustom } from './bench/bundles';
import { benchContext } from './bench/context';
import {
  FLOOR_HEADER,
  floorRow,
  FUNCTION_CONSOLE_HEADER,
  FUNCTION_CONSOLE_LEGEND,
  FUNCTION_CONSOLE_WIDTHS,
  functionConsoleRow,
  NOT_MET_HEADER,
  NOT_MET_WIDTHS,
  notMetRows,
  ProgressTable,
  summaryMarkdown,
  THROUGHPUT_HEADER,
  throughputRow,
  WARM_HEADER,
  warmRow,
  type BenchResults,
  type FunctionResult,
} from './bench/report';
import { THROUGHPUT } from './bench/scenarios';
import { median, round } from './bench/stats';
import { runThroughput } from './bench/throughput';
import { inboxProblems, runInboxBench } from './bench/inbox';
import { runWarmScenario, type WarmResult } from './bench/warm';

const QUICK = process.env.BENCH_QUICK === '1';
const OUT_DIR = path.resolve(PROJECT_ROOT, process.env.BENCH_OUT_DIR ?? 'bench');
const SIZES = QUICK
  ? { coldRuns: 3, warm: 20, emulatorCalls: 20, argon2: 3, events: 20 }
  : {
      coldRuns: Number(process.env.BENCH_COLD_RUNS ?? 15),
      warm: Number(process.env.BENCH_WARM_ITERATIONS ?? 500),
      emulatorCalls: 200,
      argon2: 20,
      events: THROUGHPUT.events,
    };

const say = (line: string) => process.stdout.write(`${line}\n`);

/** Structured log and metric (EMF) lines of the handlers would drown the table: they are counted, not printed. */
function muteHandlerLogs(): { lines: () => number } {
  let lines = 0;
  const original = process.stdout.write.bind(process.stdout) as (...args: unknown[]) => boolean;
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk);
    if (text.startsWith('{"level"') || text.startsWith('{"cold_start"') || text.startsWith('{"_aws"')) {
      lines += 1;
      (rest.find((r) => typeof r === 'function') as (() => void) | undefined)?.();
      return true;
    }
    return original(chunk, ...rest);
  }) as typeof process.stdout.write;
  return { lines: () => lines };
}

async function emulatorLatency(endpoint: string, table: string, calls: number): Promise<number> {
  const client = new DynamoDBClient({ endpoint, region: EMULATOR_REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const samples: number[] = [];
  for (let i = 0; i < calls + 5; i += 1) {
    const t = process.hrtime.bigint();
    await client.send(new GetItemCommand({ TableName: table, Key: { pk: { S: `BENCH#${i}` }, sk: { S: 'X' } } }));
    if (i >= 5) samples.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  client.destroy();
  return median(samples);
}

function updateReadme(summary: string): void {
  const file = path.join(PROJECT_ROOT, 'README.md');
  const start = '<!-- bench:start -->';
  const end = '<!-- bench:end -->';
  const readme = readFileSync(file, 'utf8');
  const block = `${start}\n${summary.trim()}\n${end}`;
  const next = readme.includes(start) && readme.includes(end) ? readme.replace(new RegExp(`${start}[\\s\\S]*?${end}`), block) : `${readme.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, next);
}

/**
 * The bench measures what Lambda runs: the Node major of serverless.yml's runtime (nodejs22.x).
 * `npm run bench` gets it from the pinned `node` devDependency (node_modules/.bin comes first on
 * npm's PATH); run any other way on another major, it refuses instead of printing numbers of the
 * wrong runtime. BENCH_ALLOW_ANY_NODE=1 overrides (the results still name the version).
 */
function assertLambdaNode(runtime: string | undefined): void {
  const wanted = /^nodejs(\d+)\.x$/.exec(runtime ?? '')?.[1];
  const major = process.versions.node.split('.')[0];
  say(`Node ${process.version} (${process.execPath}); Lambda runtime ${runtime ?? 'unknown'}`);
  if (wanted && major !== wanted && process.env.BENCH_ALLOW_ANY_NODE !== '1') {
    throw new Error(`the bench runs on Node ${process.version} but Lambda runs ${runtime}: run it with npm run bench (the pinned node ${wanted} devDependency), or set BENCH_ALLOW_ANY_NODE=1`);
  }
}

async function main(): Promise<number> {
  const started = Date.now();
  say(`HelpShelf bench${QUICK ? ' (quick)' : ''}: reading serverless.yml…`);
  const config = await loadStageConfig('local');
  const provider = config.provider as { runtime?: string; memorySize?: number };
  assertLambdaNode(provider.runtime);
  const custom = ((config as unknown as { custom?: { esbuild?: EsbuildCustom } }).custom?.esbuild ?? {}) as EsbuildCustom;

  let emulator: Emulator | undefined;
  // The bundles are built in a temporary directory removed at the end, also on failure or
  // interruption; native externals (@node-rs/argon2) resolve from the project's node_modules.
  const build = tempDir('helpshelf-bench-');
  const buildDir = build.path;
  try {
    say('Starting the emulator and creating the stage\'s tables, queues, keys and secrets…');
    emulator = await startEmulator(await freePort());
    // An interrupted run (Ctrl-C, kill) leaves no emulator behind either.
    const emulatorProcess = emulator.process;
    process.once('exit', () => emulatorProcess.kill('SIGKILL'));
    const webhookSecret = `whsec_${randomBytes(24).toString('base64url')}`;
    await provisionStage(config, {
      region: EMULATOR_REGION,
      endpoint: emulator.endpoint,
      secretValues: { StripeWebhookSecret: JSON.stringify({ current: webhookSecret, previous: '' }) },
    });
    const env: Record<string, string> = { ...allFunctionsEnvironment(config), ...emulatorEnvironment(emulator.endpoint), POWERTOOLS_DEV: 'false' };
    Object.assign(process.env, env);
    const muted = muteHandlerLogs();
    const instrumented = instrumentPlatformClients();
    setCallObserver(capacityObserver);

    const cpus = os.cpus();
    const machine = {
      cpuModel: cpus[0]?.model.trim() ?? 'unknown',
      cores: cpus.length,
      memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
      platform: os.platform(),
      arch: os.arch(),
    };
    say(`Machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB; Node ${process.version}`);
    const getItemMedianMs = await emulatorLatency(emulator.endpoint, env.ACCOUNTS_TABLE, SIZES.emulatorCalls);
    say(`Emulator: median GetItem ${getItemMedianMs.toFixed(3)} ms over ${SIZES.emulatorCalls} calls (SDK clients instrumented: ${instrumented.join(', ')})\n`);

    // ---------------------------------------------------------------- bundles and cold init
    const only = process.env.BENCH_ONLY_FUNCTIONS?.split(',').filter(Boolean);
    const keys = Object.keys(config.functions).filter((k) => !only || only.includes(k));
    say(`Bundle and cold init (${SIZES.coldRuns} fresh processes each, function and its IAM floor alternated; ${keys.length} functions):`);
    say(FUNCTION_CONSOLE_LEGEND);
    const fnTable = new ProgressTable(FUNCTION_CONSOLE_HEADER, FUNCTION_CONSOLE_WIDTHS);
    const functions: FunctionResult[] = [];
    for (const key of keys) {
      let result: FunctionResult;
      try {
        const info = await bundleFunction(key, config.functions[key], custom, buildDir);
        const cold = await coldInit(info, { ...functionEnvironment(config, key), ...emulatorEnvironment(emulator.endpoint), NODE_PATH: path.join(PROJECT_ROOT, 'node_modules') }, SIZES.coldRuns);
        const { file: _f, baselineFile: _b, functionKey: _k, packages, ...rest } = info;
        const bundle = { ...rest, packages: packages.slice(0, 5) };
        result = { functionKey: key, bundle, coldInit: { ...cold, medianMs: round(cold.medianMs, 3)!, baselineMedianMs: round(cold.baselineMedianMs, 3)!, ratio: round(cold.ratio, 3) } };
      } catch (error) {
        result = { functionKey: key, bundle: null, coldInit: null, error: (error as Error).message.split('\n')[0] };
      }
      functions.push(result);
      fnTable.row(functionConsoleRow(result));
    }

    // ---------------------------------------------------------------- warm latency
    say(`\nWarm latency (up to ${SIZES.warm} in-process invocations each, ${allWarmScenarios().length} scenarios, a row as each finishes):`);
    const ctx = benchContext(config, emulator.endpoint, env, webhookSecret);
    const warmTable = new ProgressTable(WARM_HEADER, [34, 28, 9, 9, 9, 9, 40, 12, 4]);
    const warm: WarmResult[] = [];
    const allCalls: AwsCall[] = [];
    let login: BenchResults['login'] = null;
    for (const scenario of allWarmScenarios()) {
      const result = await runWarmScenario(config, ctx, scenario, SIZES.warm, allCalls);
      if (scenario.compareWithArgon2 && result.status === 'ok') {
        const { params, source } = findArgon2Params();
        login = { argon2VerifyMedianMs: round(await argon2VerifyMs(params, SIZES.argon2), 3)!, params, source };
      }
      warm.push(result);
      warmTable.row(warmRow(result, login));
    }

    // ---------------------------------------------------------------- floor and cost
    const callTypes = callTypeMedians(allCalls);
    const { params: argon2Params } = findArgon2Params();
    const argon2Ms = login?.argon2VerifyMedianMs ?? round(await argon2VerifyMs(argon2Params, SIZES.argon2), 3);
    say(`\nFloor and cost per request (emulator medians per call type: ${Object.entries(callTypes).map(([t, m]) => `${t} ${m.medianMs} ms`).join(', ')}; argon2id ${argon2Ms} ms):`);
    const floorTable = new ProgressTable(FLOOR_HEADER, [44, 9, 9, 11, 5, 5, 11, 20]);
    for (const w of warm) {
      if (w.status === 'ok' && w.awsCalls && w.p50Ms !== null && w.functionKey) {
        w.floorMs = floorMs(w.awsCalls.perRequest, callTypes, w.argon2Ops ?? 0, argon2Ms);
        w.floorRatio = w.floorMs ? round(w.p50Ms / w.floorMs, 2) : null;
        const fn = config.functions[w.functionKey] as { memorySize?: number };
        w.cost = requestCost({ perRequest: w.awsCalls.perRequest, readUnits: w.capacity?.readUnits ?? 0, writeUnits: w.capacity?.writeUnits ?? 0, durationMs: w.p50Ms, memoryMb: fn.memorySize ?? provider.memorySize ?? 1024, viaApiGateway: true });
        w.usdPerMillion = w.cost.usdPerMillion;
      }
      floorTable.row(floorRow(w));
    }

    // ---------------------------------------------------------------- throughput
    say('\nStripe throughput (receipt → queue → worker):');
    const tpTable = new ProgressTable(THROUGHPUT_HEADER, [10, 10, 10, 10, 44, 5, 14]);
    const throughput = await runThroughput(config, ctx, THROUGHPUT, SIZES.events);
    tpTable.row(throughputRow(throughput));
    const inbox = await runInboxBench(config, emulator.endpoint, Number(process.env.BENCH_INBOX_ROUNDS ?? (QUICK ? 5 : 100)), OUT_DIR, say);

    // A number from requests that did not get the expected answer is not a measurement.
    const problems = [
      ...warm.filter((w) => w.unexpected > 0).map((w) => `${w.name}: ${w.unexpected} of ${w.iterations} responses unexpected (expected ${allWarmScenarios().find((s) => s.name === w.name)?.expect.join('/')})`),
      ...warm.filter((w) => w.status === 'failed').map((w) => `${w.name}: failed (${w.reason})`),
      ...(throughput.status === 'ok' && (throughput.lost || throughput.doubleApplied || throughput.receiptErrors) ? [`Stripe throughput: ${throughput.lost} lost, ${throughput.doubleApplied} double-applied, ${throughput.receiptErrors} receipt errors`] : []),
      ...(throughput.status === 'failed' ? [`Stripe throughput failed (${throughput.reason})`] : []),
      ...inboxProblems(inbox),
    ];
    const results: BenchResults = {
      schemaVersion: 1,
      generatedAt: new Date().toISOString(),
      quick: QUICK,
      machine,
      node: process.version,
      emulator: { getItemMedianMs: round(getItemMedianMs, 3)!, calls: SIZES.emulatorCalls, callTypes },
      prices: { asOf: PRICES.asOf, region: PRICES.region },
      functions,
      warm,
      login,
      throughput,
      problems,
    };
    mkdirSync(OUT_DIR, { recursive: true });
    writeFileSync(path.join(OUT_DIR, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
    const summary = summaryMarkdown(results);
    writeFileSync(path.join(OUT_DIR, 'summary.md'), summaryMarkdown(results, 'chart.svg'));
    writeFileSync(path.join(OUT_DIR, 'chart.svg'), benchChart(results));
    if (!QUICK && process.env.BENCH_UPDATE_README !== '0' && existsSync(path.join(PROJECT_ROOT, 'README.md')) && OUT_DIR === path.join(PROJECT_ROOT, 'bench')) updateReadme(summary);
    say(`\nWrote ${path.relative(PROJECT_ROOT, OUT_DIR) || '.'}/results.json, summary.md and chart.svg in ${((Date.now() - started) / 1000).toFixed(1)} s (${muted.lines()} handler log lines muted).`);
    const notMet = notMetRows({ functions, warm });
    if (notMet.length) {
      say(`\nNot met (${notMet.length}):`);
      const closing = new ProgressTable(NOT_MET_HEADER, NOT_MET_WIDTHS);
      for (const row of notMet) closing.row(row);
    } else say('\nEvery target met.');
    if (problems.length) {
      say(`\nThe bench FAILS: ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
      return 1;
    }
    return 0;
  } finally {
    await emulator?.stop();
    build.remove();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
