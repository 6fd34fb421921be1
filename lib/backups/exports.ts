import { EXPORT_STATUS, EXPORT_TYPES, type BackedUpTable, type BackupsDeps, type ExportRecord, type ExportType } from './types';
import { exportClientToken, exportIdOf, exportPrefix, exportWindow, MAX_FULL_EXPORT_AGE_MS } from './windows';
import { sendAlert } from './alerts';

/** A claim older than this that never got an export ARN belongs to a run that crashed: retry it. */
const STALE_CLAIM_MS = 5 * 60_000;
/** How many recent records per table the tracker looks at for unfinished exports. */
const TRACK_DEPTH = 40;

export interface ExportRunOutcome {
  table: string;
  type: ExportType;
  window: string;
  /** started: a new export; existing: the window had one already (no second export); failed: the call failed. */
  outcome: 'started' | 'existing' | 'failed';
  status: string;
  exportId?: string;
  message?: string;
}

function errorParts(error: unknown): { code: string; message: string } {
  const e = error as { name?: string; message?: string };
  return { code: e?.name ?? 'Error', message: (e?.message ?? String(error)).slice(0, 500) };
}

async function startOne(deps: BackupsDeps, table: BackedUpTable, type: ExportType): Promise<ExportRunOutcome> {
  const nowMs = deps.now();
  const now = new Date(nowMs).toISOString();
  const window = exportWindow(type, nowMs);
  const base = { table: table.logical, type, window: window.key };
  const existing = await deps.repository.getExport(table.logical, window);
  const crashedClaim = existing?.status === EXPORT_STATUS.starting && !existing.exportArn && nowMs - Date.parse(existing.updatedAt) > STALE_CLAIM_MS;
  if (existing && !crashedClaim) {
    return { ...base, outcome: 'existing', status: existing.status, exportId: existing.exportId };
  }
  const record: ExportRecord = existing ?? {
    table: table.logical,
    tableName: table.name,
    type,
    window: window.key,
    windowFrom: window.from,
    windowTo: window.to,
    status: EXPORT_STATUS.starting,
    clientToken: exportClientToken(table.name, window),
    bucket: deps.bucket,
    prefix: exportPrefix(table, window),
    startedAt: now,
    updatedAt: now,
  };
  // The conditional claim is what guarantees one export per window wherever the code runs; the
  // ClientToken is AWS's own guard for a retry after a crash between the call and the update.
  if (!existing && !(await deps.repository.claimExport(record))) {
    const winner = await deps.repository.getExport(table.logical, window);
    return { ...base, outcome: 'existing', status: winner?.status ?? EXPORT_STATUS.starting, exportId: winner?.exportId };
  }
  try {
    const { tableArn } = await deps.control.describeTable(table.name);
    const description = await deps.control.startExport({
      tableArn,
      bucket: record.bucket,
      prefix: record.prefix,
      clientToken: record.clientToken,
      type,
      from: type === EXPORT_TYPES.incremental ? new Date(window.from) : undefined,
      to: type === EXPORT_TYPES.incremental ? new Date(window.to) : undefined,
    });
    const started: ExportRecord = {
      ...record,
      status: description.status === EXPORT_STATUS.failed ? EXPORT_STATUS.failed : EXPORT_STATUS.inProgress,
      exportArn: description.exportArn,
      exportId: exportIdOf(description.exportArn),
      exportTime: description.exportTime ?? record.startedAt,
      failureCode: description.failureCode,
      failureMessage: description.failureMessage,
      updatedAt: new Date(deps.now()).toISOString(),
    };
    await deps.repository.updateExport(started);
    if (started.status === EXPORT_STATUS.failed) await alertFailedExport(deps, started);
    return { ...base, outcome: 'started', status: started.status, exportId: started.exportId };
  } catch (error) {
    const { code, message } = errorParts(error);
    const failed: ExportRecord = { ...record, status: EXPORT_STATUS.failed, failureCode: code, failureMessage: message, updatedAt: new Date(deps.now()).toISOString() };
    await deps.repository.updateExport(failed);
    await alertFailedExport(deps, failed);
    return { ...base, outcome: 'failed', status: EXPORT_STATUS.failed, message: `${code}: ${message}` };
  }
}

/**
 * Starts this window's export of every table (full), or of the critical tables (incremental).
 * A second run in the same window starts nothing: it reports the export the window already has.
 */
export async function runExports(deps: BackupsDeps, type: ExportType): Promise<{ type: ExportType; exports: ExportRunOutcome[] }> {
  const tables = type === EXPORT_TYPES.incremental ? deps.tables.filter((t) => t.critical) : deps.tables;
  const exports: ExportRunOutcome[] = [];
  for (const table of tables) exports.push(await startOne(deps, table, type));
  const failed = exports.filter((e) => e.outcome !== 'existing' && e.status === EXPORT_STATUS.failed).length;
  deps.metrics.publish({ ExportsStarted: exports.filter((e) => e.outcome === 'started').length, ExportsFailed: failed });
  return { type, exports };
}

async function alertFailedExport(deps: BackupsDeps, record: ExportRecord): Promise<void> {
  const key = `EXPORT_FAILED#${record.table}#${record.type}#${record.window}`;
  if (!(await deps.repository.claimAlert(key, new Date(deps.now()).toISOString()))) return;
  await sendAlert(deps, `Backup export FAILED: ${record.table} (${record.type}, window ${record.window})`, [
    `The ${record.type} of table ${record.tableName} for window ${record.window} failed.`,
    `Failure: ${record.failureCode ?? 'unknown'}: ${record.failureMessage ?? ''}`,
    `Export: ${record.exportArn ?? '(not started)'}`,
    `Destination: s3://${record.bucket}/${record.prefix}`,
    '',
    'Check with `npm run ops -- backups list`, fix the cause, and run `npm run ops -- backups run`',
    'in the next window (a repeated run in the same window starts no second export).',
  ]);
}

/** Follows one unfinished export and records what DynamoDB says about it now. */
async function followOne(deps: BackupsDeps, record: ExportRecord): Promise<ExportRecord> {
  if (!record.exportArn) return record;
  let description;
  try {
    description = await deps.control.describeExport(record.exportArn);
  } catch (error) {
    const { code, message } = errorParts(error);
    // An export DynamoDB no longer knows cannot complete: record it as failed rather than retry forever.
    if (code === 'ExportNotFoundException') {
      const failed = { ...record, status: EXPORT_STATUS.failed, failureCode: code, failureMessage: message, updatedAt: new Date(deps.now()).toISOString() };
      await deps.repository.updateExport(failed);
      await alertFailedExport(deps, failed);
      return failed;
    }
    throw error;
  }
  const now = new Date(deps.now()).toISOString();
  if (description.status === EXPORT_STATUS.inProgress) return record;
  if (description.status === EXPORT_STATUS.failed) {
    const failed: ExportRecord = {
      ...record,
      status: EXPORT_STATUS.failed,
      failureCode: description.failureCode ?? 'UNKNOWN',
      failureMessage: description.failureMessage,
      updatedAt: now,
    };
    await deps.repository.updateExport(failed);
    await alertFailedExport(deps, failed);
    return failed;
  }
  const files = await deps.store.dataFiles(record.bucket, record.prefix);
  const dataPrefix = commonDirectory(files.map((f) => f.key));
  const completed: ExportRecord = {
    ...record,
    status: EXPORT_STATUS.completed,
    exportTime: description.exportTime ?? record.exportTime ?? record.startedAt,
    completedAt: now,
    itemCount: description.itemCount ?? 0,
    billedSizeBytes: description.billedSizeBytes ?? 0,
    dataPrefix,
    dataObjects: files.length,
    dataBytes: files.reduce((sum, f) => sum + f.size, 0),
    location: `s3://${record.bucket}/${record.prefix}/`,
    updatedAt: now,
  };
  await deps.repository.updateExport(completed);
  await deps.repository.recordEvidence({ kind: 'backup', at: now, exportTime: completed.exportTime ?? now, type: completed.type, table: completed.table });
  return completed;
}

/** The directory all data files share (`…/AWSDynamoDB/<id>/data/`): ImportTable's source prefix. */
function commonDirectory(keys: string[]): string | undefined {
  if (keys.length === 0) return undefined;
  const dirs = new Set(keys.map((k) => k.slice(0, k.lastIndexOf('/') + 1)));
  return dirs.size === 1 ? [...dirs][0] : undefined;
}

export interface FreshnessReport {
  checkedAt: string;
  stale: Array<{ table: string; newestExportTime: string | null; ageHours: number | null }>;
}

/**
 * The newest COMPLETED full export of each table must be at most 26 hours old. A table with none
 * at all is stale too. Each staleness is alerted once per newest export, not on every check.
 */
export async function checkFreshness(deps: BackupsDeps, tables: BackedUpTable[] = deps.tables): Promise<FreshnessReport> {
  const nowMs = deps.now();
  const stale: FreshnessReport['stale'] = [];
  for (const table of tables) {
    const newest = await deps.repository.findExport(table.logical, (r) => r.type === EXPORT_TYPES.full && r.status === EXPORT_STATUS.completed);
    const at = newest ? Date.parse(newest.exportTime ?? newest.startedAt) : undefined;
    if (at === undefined || nowMs - at > MAX_FULL_EXPORT_AGE_MS) {
      stale.push({ table: table.logical, newestExportTime: at === undefined ? null : new Date(at).toISOString(), ageHours: at === undefined ? null : Math.round(((nowMs - at) / 3_600_000) * 10) / 10 });
    }
  }
  const fresh: FreshnessReport['stale'] = [];
  for (const s of stale) {
    if (await deps.repository.claimAlert(`STALE#${s.table}#${s.newestExportTime ?? 'none'}`, new Date(nowMs).toISOString())) fresh.push(s);
  }
  if (fresh.length > 0) {
    await sendAlert(deps, `Backups stale: ${fresh.map((s) => s.table).join(', ')}`, [
      'The newest completed full export of these tables is older than 26 hours (or there is none):',
      ...fresh.map((s) => `  ${s.table}: ${s.newestExportTime ? `newest ${s.newestExportTime} (${s.ageHours} h old)` : 'no completed full export'}`),
      '',
      'Check `npm run ops -- backups list`, and start one with `npm run ops -- backups run`.',
    ]);
  }
  return { checkedAt: new Date(nowMs).toISOString(), stale };
}

/**
 * The tracker: follows every unfinished export to completion, records the outcome, alerts on
 * failures and staleness, and publishes the metrics the CloudWatch alarms watch.
 */
export async function trackExports(deps: BackupsDeps): Promise<{ followed: number; inProgress: number; completed: number; failed: number; freshness: FreshnessReport }> {
  let followed = 0;
  let inProgress = 0;
  let completed = 0;
  let failed = 0;
  for (const table of deps.tables) {
    const records = await deps.repository.recentExports(table.logical, TRACK_DEPTH);
    for (const record of records.filter((r) => r.status === EXPORT_STATUS.inProgress)) {
      followed += 1;
      let after: ExportRecord;
      try {
        after = await followOne(deps, record);
      } catch {
        inProgress += 1; // a transient error: the next run follows it again
        continue;
      }
      if (after.status === EXPORT_STATUS.completed) completed += 1;
      else if (after.status === EXPORT_STATUS.failed) failed += 1;
      else inProgress += 1;
    }
  }
  const freshness = await checkFreshness(deps);
  deps.metrics.publish({ ExportsFailed: failed, ExportsCompleted: completed, StaleTables: freshness.stale.length });
  return { followed, inProgress, completed, failed, freshness };
}

export interface ExportListing {
  table: string;
  type: ExportType;
  window: string;
  time: string;
  status: string;
  itemCount: number | null;
  bytes: number | null;
  exportId: string | null;
  location: string | null;
  failure: string | null;
}

/** Export records of every (or one) table, newest first. */
export async function listExports(deps: BackupsDeps, options: { table?: string; limit: number }): Promise<ExportListing[]> {
  const tables = options.table ? deps.tables.filter((t) => t.logical === options.table || t.name === options.table) : deps.tables;
  const all: ExportRecord[] = [];
  for (const table of tables) all.push(...(await deps.repository.recentExports(table.logical, options.limit)));
  return all
    .sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : a.table.localeCompare(b.table)))
    .slice(0, options.limit)
    .map((r) => ({
      table: r.table,
      type: r.type,
      window: r.window,
      time: r.exportTime ?? r.startedAt,
      status: r.status,
      itemCount: r.itemCount ?? null,
      bytes: r.dataBytes ?? r.billedSizeBytes ?? null,
      exportId: r.exportId ?? null,
      location: r.location ?? null,
      failure: r.failureCode ? `${r.failureCode}: ${r.failureMessage ?? ''}` : null,
    }));
}

/** Finds a backed-up table by its short name or its table name. */
export function findTable(deps: BackupsDeps, nameOrLogical: string): BackedUpTable | undefined {
  return deps.tables.find((t) => t.logical === nameOrLogical || t.name === nameOrLogical);
}
