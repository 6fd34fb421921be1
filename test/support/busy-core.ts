import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Keeps one CPU core busy from another process, as a busy CI machine or a developer's build would.
 * Bounded twice: the child stops itself after `maxMs` and as soon as its parent is gone, and
 * `stop()` ends it early. Returns once the child is spinning.
 */
export interface BusyCore {
  child: ChildProcess;
  stop(): Promise<void>;
}

const SPIN = `
const end = Date.now() + Number(process.argv[1]);
const parent = process.ppid;
process.stdout.write('spinning\\n');
let x = 0;
while (Date.now() < end) {
  for (let i = 0; i < 1e6; i++) x = (x + i) % 1000003;
  try { process.kill(parent, 0); } catch { break; }
}
process.exit(0);
`;

export async function startBusyCore(maxMs: number): Promise<BusyCore> {
  const child = spawn(process.execPath, ['-e', SPIN, String(maxMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.stdout!.once('data', () => resolve());
  });
  return {
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
