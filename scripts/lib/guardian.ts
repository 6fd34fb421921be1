import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/**
 * Ends the local stage's child processes when `npm start` ends in a way it cannot clean up after
 * itself (SIGKILL, a crash, a signal during start-up): scripts/guardian/guardian.cjs, a detached
 * process that watches a pipe only this process writes to. The modules that spawn children
 * (emulator, stand-in provider, serverless-offline) register them with `guard`, which does nothing
 * unless `startGuardian` ran (the test setups stop their stages themselves).
 */
let guardian: ChildProcess | undefined;

function send(line: string): void {
  if (guardian?.stdin?.writable) guardian.stdin.write(`${line}\n`);
}

export function startGuardian(): void {
  if (guardian) return;
  guardian = spawn(process.execPath, [path.join(__dirname, '..', 'guardian', 'guardian.cjs')], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  guardian.on('error', () => undefined);
  guardian.stdin?.on('error', () => undefined);
  // Neither the process nor its pipe keeps this process alive.
  guardian.unref();
  (guardian.stdin as unknown as { unref?: () => void } | null)?.unref?.();
}

/** Registers a child: its process group when it was spawned detached (it leads one), else its pid. */
export function guard(child: ChildProcess, options: { group?: boolean } = {}): void {
  if (child.pid === undefined) return;
  send(`${options.group ? 'group' : 'pid'} ${child.pid}`);
  if (!options.group) child.once('exit', () => send(`release ${child.pid}`));
}

/** The stage stopped everything itself: the guardian has nothing left to do. */
export function releaseAll(): void {
  send('clear');
  guardian?.stdin?.end();
}
