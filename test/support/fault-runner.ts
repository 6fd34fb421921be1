/**
 * Runs the FAULT_TARGETS of test/cases/reliability.targets.ts in a process of their own, as one
 * warm Lambda instance would: jest runs test code in a separate V8 realm, where Node's network
 * errors (ECONNREFUSED…) are not `instanceof Error` to the SDK, which then wraps them and drops
 * their code — an artefact that makes in-jest handlers answer 500 where Lambda answers 503.
 *
 * Protocol: one JSON command per stdin line ({"cmd":"prepare"|"act"|"prepare-act"}), one
 * `FAULT_RESULT {json}` line per command on stdout; other output is the handlers' logs.
 */
import '../../scripts/bench/preload';
import { createInterface } from 'node:readline';
import { FAULT_TARGETS, type Outcome } from '../cases/reliability.targets';
import { missingFunctions, reliabilityContext } from './reliability';

const HANG_BOUND_MS = Number(process.env.FAULT_HANG_BOUND_MS ?? 15_000);
const active = FAULT_TARGETS.filter((t) => missingFunctions(t.requires).length === 0);
const ctx = reliabilityContext({ emulatorEndpoint: process.env.HELPSHELF_TEST_EMULATOR });
const states = new Map<string, unknown>();

type Result = { outcome?: Outcome; hung?: boolean; error?: string; ms: number };

async function bounded(fn: () => Promise<Outcome>): Promise<Result> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const outcome = await Promise.race([fn(), new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), HANG_BOUND_MS)))]);
    return outcome === 'hung' ? { hung: true, ms: Date.now() - started } : { outcome: { status: outcome.status, headers: outcome.headers }, ms: Date.now() - started };
  } catch (error) {
    return { error: `${(error as Error).name}: ${(error as Error).message}`, ms: Date.now() - started };
  } finally {
    clearTimeout(timer);
  }
}

async function prepare(): Promise<void> {
  for (const t of active) states.set(t.name, t.prepare ? await t.prepare(ctx) : undefined);
}

async function act(): Promise<Record<string, Result>> {
  const entries = await Promise.all(active.map(async (t) => [t.name, await bounded(() => t.act(ctx, states.get(t.name)))] as const));
  return Object.fromEntries(entries);
}

const lines = createInterface({ input: process.stdin });
lines.on('line', async (line) => {
  const { cmd } = JSON.parse(line) as { cmd: string };
  let result: unknown;
  try {
    if (cmd === 'prepare') {
      await prepare();
      result = await act(); // warms the clients and their pooled connections
    } else if (cmd === 'act') result = await act();
    else if (cmd === 'prepare-act') {
      await prepare();
      result = await act();
    } else result = { error: `unknown command ${cmd}` };
  } catch (error) {
    result = { error: (error as Error).message };
  }
  process.stdout.write(`FAULT_RESULT ${JSON.stringify(result)}\n`);
});
lines.on('close', () => process.exit(0));
