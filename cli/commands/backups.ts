import type { ExportListing, ExportRunOutcome } from '../../lib/backups/exports';
import { escapeOutput, table } from '../format';
import { UsageError, type CliContext, type CommandSpec } from '../types';

/**
 * Backups commands. Exports, imports and restores run inside AWS and take from seconds (the local
 * emulator) to many minutes: by default a command follows the operation, printing progress on
 * stderr, until it is done; `--no-wait` returns at once with the ids to follow later.
 */
const FUNCTION = 'opsBackups';
const POLL_MS = Number(process.env.HELPSHELF_BACKUPS_POLL_MS ?? 2000);
const MAX_WAIT_MS = Number(process.env.HELPSHELF_BACKUPS_MAX_WAIT_MS ?? 60 * 60_000);

interface RunResult {
  type: string;
  exports: ExportRunOutcome[];
}
/** What the ops function's `list` action answers (lib/backups/exports.ts). */
type Listing = ExportListing;
interface DrillSummary {
  drillId: string;
  status: string;
  startedAt: string;
  finishedAt: string | null;
  tables: Array<{ table: string; status: string; exportItemCount: number | null; restoredItemCount: number | null; checksumsEqual: boolean | null; message: string | null }>;
}

const progress = (line: string) => process.stderr.write(`${escapeOutput(line)}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function follow<T>(poll: () => Promise<T>, done: (value: T) => boolean, describe: (value: T) => string): Promise<T> {
  const deadline = Date.now() + MAX_WAIT_MS;
  let last = '';
  for (;;) {
    const value = await poll();
    const line = describe(value);
    if (line !== last) progress(line);
    last = line;
    if (done(value) || Date.now() > deadline) return value;
    await sleep(POLL_MS);
  }
}

async function listAfterRun(context: CliContext, run: RunResult): Promise<Listing[]> {
  const { exports } = (await context.invoke(FUNCTION, 'list', { limit: 500 })) as { exports: Listing[] };
  return run.exports.map((e) => exports.find((l) => l.table === e.table && l.window === e.window && l.type === run.type)).filter((l): l is Listing => Boolean(l));
}

const typeOfDuration = (ms: number) => `${Math.round(ms / 1000)} s`;

export const backupsCommands: CommandSpec[] = [
  {
    path: ['backups', 'run'],
    summary: 'Starts the export of every table now (one per table and window), and follows it to completion',
    options: {
      incremental: { type: 'boolean', description: 'the incremental export of the critical tables instead of the full export' },
      'no-wait': { type: 'boolean', description: 'return at once with the export ids; `backups list` follows them' },
    },
    async run(context, args) {
      const started = Date.now();
      const run = (await context.invoke(FUNCTION, 'run', { type: args.options.incremental ? 'incremental' : 'full' })) as RunResult;
      for (const e of run.exports) progress(`${e.table.padEnd(12)} ${e.outcome === 'existing' ? 'already exported in window' : e.outcome} ${e.window} ${e.status}${e.message ? ` (${e.message})` : ''}`);
      if (args.options['no-wait']) return run;
      const finals = await follow(
        async () => {
          await context.invoke(FUNCTION, 'track');
          return listAfterRun(context, run);
        },
        (rows) => rows.every((r) => r.status === 'COMPLETED' || r.status === 'FAILED'),
        (rows) => `${rows.filter((r) => r.status === 'COMPLETED').length}/${rows.length} completed, ${rows.filter((r) => r.status === 'FAILED').length} failed (${typeOfDuration(Date.now() - started)})`,
      );
      return { type: run.type, exports: finals };
    },
    format(result) {
      const r = result as { exports: Array<Record<string, unknown>> };
      return table(r.exports, Object.keys(r.exports[0] ?? {}).filter((c) => ['table', 'type', 'window', 'status', 'itemCount', 'bytes', 'exportId', 'outcome', 'failure', 'message'].includes(c)));
    },
  },
  {
    path: ['backups', 'list'],
    summary: 'Exports, newest first, with table, time, status and item count',
    options: {
      table: { type: 'string', description: 'only this table (e.g. accounts)' },
      limit: { type: 'string', description: 'at most this many (default 20)' },
    },
    async run(context, args) {
      return context.invoke(FUNCTION, 'list', { table: args.options.table, limit: args.options.limit });
    },
    format(result) {
      const { exports } = result as { exports: Listing[] };
      return table(exports as unknown as Array<Record<string, unknown>>, ['time', 'table', 'type', 'status', 'itemCount', 'bytes', 'exportId', 'failure']);
    },
  },
  {
    path: ['backups', 'restore-drill'],
    summary: 'Restores the latest export of each table into scratch tables and compares (count and checksum)',
    options: { 'no-wait': { type: 'boolean', description: 'return at once with the drill id; follow with `backups restore-drill-status`' } },
    async run(context, args) {
      const started = (await context.invoke(FUNCTION, 'restore-drill')) as DrillSummary;
      progress(`drill ${started.drillId}: ${started.tables.length} tables`);
      if (args.options['no-wait']) return started;
      return follow(
        () => context.invoke(FUNCTION, 'restore-drill-status', { id: started.drillId }) as Promise<DrillSummary>,
        (d) => d.status !== 'RUNNING',
        (d) => `drill ${d.drillId} ${d.status}: ${d.tables.map((t) => `${t.table}=${t.status}`).join(' ')}`,
      );
    },
    format: formatDrill,
  },
  {
    path: ['backups', 'restore-drill-status'],
    summary: 'Where a restore drill stands (moves it on if its imports have finished)',
    options: { id: { type: 'string', description: 'the drill id (drl_…)', required: true } },
    async run(context, args) {
      return context.invoke(FUNCTION, 'restore-drill-status', { id: args.options.id });
    },
    format: formatDrill,
  },
  {
    path: ['backups', 'restore'],
    summary: 'Restores a table into a NEW table from an export (ImportTable) or a point in time (PITR)',
    options: {
      table: { type: 'string', description: 'the table to restore (e.g. accounts)', required: true },
      export: { type: 'string', description: 'the export id to restore (see `backups list`)' },
      'to-time': { type: 'string', description: 'an ISO instant within the last 35 days (default: latest restorable time)' },
      to: { type: 'string', description: 'the new table, named <service>-<stage>-restored-<name>', required: true },
      reason: { type: 'string', description: 'required: a ticket or incident reference (ticket 4411, INC-2041, #1234), audited before the restore starts' },
      'no-wait': { type: 'boolean', description: 'return at once; follow with `backups restore-status`' },
    },
    async run(context, args) {
      const o = args.options;
      if (o.export && o['to-time']) throw new UsageError('Give --export or --to-time, not both.');
      const restore = (await context.invoke(FUNCTION, 'restore', { table: o.table, to: o.to, export: o.export, 'to-time': o['to-time'], reason: o.reason })) as {
        targetTable: string;
        importArn?: string;
        method: string;
      };
      progress(`restore ${restore.method} into ${restore.targetTable} started`);
      if (o['no-wait']) return restore;
      const status = await follow(
        () => context.invoke(FUNCTION, 'restore-status', { to: restore.targetTable, import: restore.importArn }) as Promise<{ done: boolean; tableStatus: string; importStatus: string | null }>,
        (s) => s.done,
        (s) => `${restore.targetTable}: table ${s.tableStatus}${s.importStatus ? `, import ${s.importStatus}` : ''}`,
      );
      return { ...restore, ...status };
    },
  },
  {
    path: ['backups', 'restore-status'],
    summary: 'Where a restore stands: the new table\'s status (and its import\'s)',
    options: {
      to: { type: 'string', description: 'the restored table', required: true },
      import: { type: 'string', description: 'the import ARN `backups restore` printed, if any' },
    },
    async run(context, args) {
      return context.invoke(FUNCTION, 'restore-status', { to: args.options.to, import: args.options.import });
    },
  },
];

function formatDrill(result: unknown): string {
  const d = result as DrillSummary;
  const equal = d.tables.filter((t) => t.status === 'EQUAL').length;
  return [
    `Restore drill ${d.drillId}: ${d.status} (${equal}/${d.tables.length} tables restored and equal)`,
    '',
    table(d.tables as unknown as Array<Record<string, unknown>>, ['table', 'status', 'exportItemCount', 'restoredItemCount', 'checksumsEqual', 'message']),
  ].join('\n');
}
