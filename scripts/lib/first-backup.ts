import type { StageConfig } from './stage-config';

/**
 * The local stage's first backup and restore drill, run in the background once the stage is
 * ready, so the Security page shows live evidence on a fresh start instead of "No completed
 * backup is recorded yet". On AWS the EventBridge schedules do this (daily full export, the
 * tracker every 15 minutes, the weekly drill and its 10-minute advance); locally the same
 * functions are invoked with the schedules' own inputs, through serverless-offline's Lambda
 * invoke API, one after the other, until the drill has finished.
 */
export interface FirstBackupOptions {
  lambdaEndpoint: string;
  /** Aborts the run (the stage is stopping): the promise then settles with `aborted`. */
  signal: AbortSignal;
  /** Pause between the tracker's and the drill's follow-up invocations. */
  pollMs?: number;
  /** Gives up after this long (the emulator finishes exports and imports in seconds). */
  timeoutMs?: number;
}

export type FirstBackupResult =
  | { outcome: 'done'; tables: number; exportsCompleted: number; drillId: string; drillStatus: string; seconds: number }
  | { outcome: 'failed'; step: string; message: string; seconds: number }
  | { outcome: 'aborted' };

class StepFailed extends Error {
  constructor(readonly step: string, message: string) {
    super(message);
  }
}

function functionName(config: StageConfig, key: string): string {
  const fn = config.functions[key];
  if (!fn) throw new StepFailed(key, `serverless.yml has no function ${key}`);
  return fn.name;
}

export async function runFirstBackup(config: StageConfig, options: FirstBackupOptions): Promise<FirstBackupResult> {
  const started = Date.now();
  const pollMs = options.pollMs ?? 1000;
  const deadline = started + (options.timeoutMs ?? 5 * 60_000);
  const seconds = () => Math.round((Date.now() - started) / 100) / 10;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  const invoke = async <T>(key: string, payload: unknown): Promise<T> => {
    const url = `${options.lambdaEndpoint}/2015-03-31/functions/${encodeURIComponent(functionName(config, key))}/invocations`;
    const res = await fetch(url, { method: 'POST', body: JSON.stringify(payload), headers: { 'Content-Type': 'application/json' }, signal: options.signal });
    const text = await res.text();
    if (!res.ok || res.headers.get('x-amz-function-error')) throw new StepFailed(key, `the invocation failed (${res.status})`);
    return (text ? JSON.parse(text) : null) as T;
  };
  const until = async <T>(step: string, poll: () => Promise<T>, done: (value: T) => boolean): Promise<T> => {
    for (;;) {
      const value = await poll();
      if (done(value)) return value;
      if (Date.now() > deadline) throw new StepFailed(step, `not finished after ${seconds()} s`);
      await sleep(pollMs);
    }
  };

  try {
    // The daily schedule's input: a full export of every table.
    const run = await invoke<{ exports: Array<{ table: string; outcome: string; message?: string }> }>('backupsExport', { type: 'full' });
    const failedExport = run.exports.find((e) => e.outcome === 'failed');
    if (failedExport) throw new StepFailed('backupsExport', `the export of ${failedExport.table} failed`);
    // The tracker follows them until none is in progress (and records the evidence the page reads).
    let completed = 0;
    const tracked = await until(
      'backupsTrack',
      async () => {
        const t = await invoke<{ inProgress: number; completed: number; failed: number }>('backupsTrack', {});
        completed += t.completed;
        return t;
      },
      (t) => t.inProgress === 0,
    );
    if (tracked.failed > 0) throw new StepFailed('backupsTrack', `${tracked.failed} export(s) failed`);
    // The weekly drill, then its advance schedule until the drill has finished.
    const drill = await invoke<{ drillId: string; status: string }>('backupsRestoreDrill', { job: 'start' });
    let status = drill.status;
    if (status === 'RUNNING') {
      await until(
        'backupsRestoreDrill',
        async () => {
          const advanced = await invoke<{ drills: Array<{ drillId: string; status: string }> }>('backupsRestoreDrill', { job: 'advance' });
          status = advanced.drills.find((d) => d.drillId === drill.drillId)?.status ?? status;
          return status;
        },
        (s) => s !== 'RUNNING',
      );
    }
    return { outcome: 'done', tables: run.exports.length, exportsCompleted: completed, drillId: drill.drillId, drillStatus: status, seconds: seconds() };
  } catch (error) {
    if (options.signal.aborted) return { outcome: 'aborted' };
    if (error instanceof StepFailed) return { outcome: 'failed', step: error.step, message: error.message, seconds: seconds() };
    return { outcome: 'failed', step: 'invoke', message: (error as Error).name ?? 'Error', seconds: seconds() };
  }
}
