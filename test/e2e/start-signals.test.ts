import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { freePort, portIsFree } from '../../scripts/lib/emulator';
import { ROOT, TEST_STAGE_DIR } from '../support/paths';

// Each case starts a whole local stage with `npm start` (its own ports, state file and build
// folder), ends it one way, and checks that every port it held is free again.
// A shared, busy machine can take minutes to build and serve every function: the waits are
// bounded but generous, and nothing asserts how long a step took.
jest.setTimeout(900_000);

const PORT_VARIABLES = ['PORT', 'LAMBDA_PORT', 'AWS_EMULATOR_PORT', 'SOCIAL_PROVIDER_PORT', 'STRIPE_STAND_IN_PORT'] as const;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Started {
  npm: ChildProcess;
  ports: Record<(typeof PORT_VARIABLES)[number], number>;
  output: () => string;
  exited: Promise<void>;
}

async function npmStart(name: string): Promise<Started> {
  const ports = Object.fromEntries(await Promise.all(PORT_VARIABLES.map(async (v) => [v, await freePort()]))) as Started['ports'];
  mkdirSync(TEST_STAGE_DIR, { recursive: true });
  // detached: npm leads a process group of its own, as it does in a terminal (the SIGHUP case
  // signals that whole group, as a closing terminal does).
  const npm = spawn('npm', ['start'], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
      HELPSHELF_LOCAL_STATE_FILE: path.join(TEST_STAGE_DIR, `start-${name}.json`),
      HELPSHELF_BUILD_DIR: `.esbuild-start-${name}`,
      HELPSHELF_START_TIMEOUT_SECONDS: '600',
    },
  });
  let output = '';
  npm.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  npm.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<void>((resolve) => npm.once('exit', () => resolve()));
  return { npm, ports, output: () => output, exited };
}

/** Bounded wait for a condition (no assertion on how long it took). */
async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number, started?: Started): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(250);
  }
  throw new Error(`${what}: not within ${timeoutMs / 1000} s${started ? `\n--- output ---\n${started.output().slice(-4000)}` : ''}`);
}

async function busyPorts(ports: Started['ports']): Promise<string[]> {
  const busy: string[] = [];
  for (const [variable, port] of Object.entries(ports)) if (!(await portIsFree(port))) busy.push(`${variable}=${port}`);
  return busy;
}

const ready = (s: Started) => waitFor('npm start ready', () => s.output().includes('HelpShelf local stage is ready'), 660_000, s);

describe('npm start stops everything it started, however it is ended', () => {
  const running: Started[] = [];
  afterEach(async () => {
    // A failed case must not leave a stage behind: end the group, then whatever held the ports.
    for (const s of running.splice(0)) {
      try {
        process.kill(-s.npm.pid!, 'SIGKILL');
      } catch {
        // gone
      }
    }
  });

  it('SIGINT to npm: the first backup and the restore drill complete in the background and /security shows them; then every port is free', async () => {
    const s = await npmStart('sigint');
    running.push(s);
    await ready(s);
    expect(s.output()).toContain('taking the first backup and running the restore drill in the background');
    // A newcomer's start prints no warning (the stand-in provider has its own signing keys).
    expect(s.output()).not.toMatch(/WARNING/i);

    await waitFor('the first backup line', () => /Backups: first backup completed|Backups: the first backup or restore drill did not finish/.test(s.output()), 240_000, s);
    expect(s.output()).toMatch(/Backups: first backup completed \(\d+ tables\) and restore drill PASSED/);
    const page = await (await fetch(`http://127.0.0.1:${s.ports.PORT}/security`)).text();
    expect(page).toContain('Last completed backup:');
    expect(page).toContain('Last successful restore drill:');
    expect(page).not.toContain('No completed backup is recorded yet.');

    process.kill(s.npm.pid!, 'SIGINT');
    await waitFor('npm to exit', async () => s.npm.exitCode !== null || s.npm.signalCode !== null, 60_000, s);
    await waitFor('every port free', async () => (await busyPorts(s.ports)).length === 0, 60_000, s);
    expect(await busyPorts(s.ports)).toEqual([]);
    expect(s.output()).not.toMatch(/WARNING/i);
  });

  const ways: Array<[string, (s: Started) => void]> = [
    ['SIGTERM to npm (a process manager, an editor stop button)', (s) => process.kill(s.npm.pid!, 'SIGTERM')],
    ['SIGHUP to npm alone', (s) => process.kill(s.npm.pid!, 'SIGHUP')],
    ['SIGHUP to its whole process group (the terminal closing)', (s) => process.kill(-s.npm.pid!, 'SIGHUP')],
    ['SIGKILL to npm (its parent dies)', (s) => process.kill(s.npm.pid!, 'SIGKILL')],
  ];
  it.each(ways.map(([name, end], i) => [name, end, i] as const))('%s: every port is free afterwards', async (_name, end, i) => {
    const s = await npmStart(`way${i}`);
    running.push(s);
    await ready(s);
    const held = await busyPorts(s.ports);
    expect(held).toHaveLength(PORT_VARIABLES.length);
    // Ended while the first backup still runs in the background.
    end(s);
    await s.exited;
    await waitFor('every port free', async () => (await busyPorts(s.ports)).length === 0, 60_000, s);
    expect(await busyPorts(s.ports)).toEqual([]);
  });
});
