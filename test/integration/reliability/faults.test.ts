import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { FAULT_TARGETS, type Outcome } from '../../cases/reliability.targets';
import { LOG_DIR, ROOT } from '../../support/paths';
import { missingFunctions } from '../../support/reliability';
import { startPrivateEmulator, useEndpoint, type PrivateEmulator } from '../../support/private-emulator';

/**
 * The emulator stopped mid-run: every target answers a prompt 503 with Retry-After (no hang),
 * and once the emulator is back the same call succeeds. The targets run in one process of their
 * own, like one warm Lambda instance (test/support/fault-runner.ts says why not in jest's realm);
 * its logs go to .test-stage/logs for the leak check. One private emulator, stopped once for all
 * targets; moto forgets everything on restart, so it is provisioned again and each target's
 * `prepare` runs again.
 */
type Result = { outcome?: Outcome; hung?: boolean; error?: string; ms: number };

const active = FAULT_TARGETS.filter((t) => missingFunctions(t.requires).length === 0);
const notBuilt = FAULT_TARGETS.filter((t) => missingFunctions(t.requires).length > 0);

let emulator: PrivateEmulator;
let runner: ChildProcessWithoutNullStreams;
let warm: Record<string, Result>;
let during: Record<string, Result>;
let after: Record<string, Result>;

function startRunner(): { send: (cmd: string) => Promise<Record<string, Result>> } {
  const log = createWriteStream(path.join(LOG_DIR, `fault-runner-${process.pid}.log`), { flags: 'a' });
  runner = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), [path.join(ROOT, 'test/support/fault-runner.ts')], { cwd: ROOT, env: process.env });
  const waiting: Array<(r: Record<string, Result>) => void> = [];
  let buffer = '';
  runner.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (line.startsWith('FAULT_RESULT ')) waiting.shift()?.(JSON.parse(line.slice('FAULT_RESULT '.length)));
      else log.write(`${line}\n`);
    }
  });
  runner.stderr.on('data', (chunk: Buffer) => log.write(chunk));
  return {
    send: (cmd) =>
      new Promise((resolve) => {
        waiting.push(resolve);
        runner.stdin.write(`${JSON.stringify({ cmd })}\n`);
      }),
  };
}

beforeAll(async () => {
  if (!active.length) return;
  emulator = await startPrivateEmulator();
  useEndpoint(emulator.endpoint);
  const { send } = startRunner();
  warm = await send('prepare');
  await emulator.stop();
  during = await send('act');
  await emulator.restart();
  after = await send('prepare-act');
}, 120_000);

afterAll(async () => {
  runner?.stdin.end();
  await emulator?.stop();
});

describe('when the emulator stops mid-run', () => {
  it.each(active.map((t) => [t.name, t] as const))('%s answers a prompt 503 with Retry-After, no hang', (_name, target) => {
    expect(warm[target.name].outcome?.status).toBeLessThan(400); // it worked before the outage
    const result = during[target.name];
    expect({ hung: result.hung, error: result.error }).toEqual({ hung: undefined, error: undefined });
    expect(result.outcome!.status).toBe(503);
    if (!target.noHeaders) expect(Number(result.outcome!.headers['retry-after'])).toBeGreaterThan(0);
  });

  it.each(active.map((t) => [t.name, t] as const))('%s succeeds again once the emulator is back', (_name, target) => {
    const result = after[target.name];
    expect({ hung: result.hung, error: result.error }).toEqual({ hung: undefined, error: undefined });
    expect(result.outcome!.status).toBeLessThan(400);
  });

  if (notBuilt.length) it.skip.each(notBuilt.map((t) => [t.name]))('%s (not built yet)', () => undefined);
});
