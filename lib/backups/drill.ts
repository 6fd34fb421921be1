import { createHash } from 'node:crypto';
import { fingerprint } from './checksum';
import { sendAlert } from './alerts';
import { purgedExportItems, purgeRestoredTable } from './purge';
import type { LedgerView } from '../data-rights/ledger';
import { EXPORT_STATUS, EXPORT_TYPES, type BackupsDeps, type DrillRecord, type DrillTableResult } from './types';

/**
 * The restore drill: a backup counts only if it restores. For every table it imports the latest
 * completed full export into a scratch table (ImportTable), then compares the scratch table with
 * the export's own data files (item count and an order-independent checksum), records the result
 * and deletes the scratch table. The live table is never the reference: it keeps changing.
 *
 * ImportTable takes minutes on AWS, so a drill is a small state machine in the backups table:
 * `startDrill` starts the imports and returns at once; `advanceDrill` (the CLI polls it, and a
 * schedule calls it) moves each table on when its import has finished.
 */

const MAX_VERIFICATIONS_PER_CALL = 2;

function scratchName(deps: BackupsDeps, table: string, drillId: string): string {
  return `${deps.scratchPrefix}${table}-${drillId.slice(-10)}`;
}

export async function startDrill(deps: BackupsDeps, actor: string): Promise<DrillRecord> {
  const now = new Date(deps.now()).toISOString();
  const drillId = `drl_${deps.newId()}`;
  const results: DrillTableResult[] = [];
  for (const table of deps.tables) {
    const latest = await deps.repository.findExport(
      table.logical,
      (r) => r.type === EXPORT_TYPES.full && r.status === EXPORT_STATUS.completed && Boolean(r.dataPrefix),
    );
    if (!latest) {
      results.push({ table: table.logical, status: 'FAILED', message: 'No completed full export to restore.' });
      continue;
    }
    if (latest.itemCount === 0) {
      // ImportTable cannot import an export without items (nothing to create a table from): an
      // empty export is checked by reading its data files, which must hold no item either.
      const expected = await fingerprint(deps.store.items(latest.bucket, latest.dataPrefix!));
      results.push({
        table: table.logical,
        exportId: latest.exportId,
        exportWindow: latest.window,
        status: expected.count === 0 ? 'EQUAL' : 'DIFFERENT',
        exportItemCount: expected.count,
        restoredItemCount: 0,
        exportChecksum: expected.checksum,
        restoredChecksum: (await fingerprint([])).checksum,
        message: expected.count === 0 ? 'Empty export: nothing to import.' : `The export was recorded with 0 items but holds ${expected.count}.`,
      });
      continue;
    }
    const scratchTable = scratchName(deps, table.logical, drillId);
    const base = { table: table.logical, exportId: latest.exportId, exportWindow: latest.window, scratchTable };
    try {
      const schema = await deps.control.describeTable(table.name);
      const started = await deps.control.importTable({
        tableName: scratchTable,
        bucket: latest.bucket,
        dataPrefix: latest.dataPrefix!,
        schema,
        clientToken: createHash('sha256').update(`${drillId}|${table.logical}`).digest('hex').slice(0, 32),
        kmsKeyId: deps.kmsKeyId,
      });
      results.push({ ...base, importArn: started.importArn, status: 'IMPORTING' });
    } catch (error) {
      results.push({ ...base, status: 'FAILED', message: `Import could not start: ${(error as Error).name}: ${(error as Error).message}`.slice(0, 500) });
    }
  }
  const drill: DrillRecord = { drillId, startedAt: now, updatedAt: now, status: 'RUNNING', actor, tables: results };
  await deps.repository.putDrill(drill);
  return finishIfDone(deps, drill);
}

async function verify(deps: BackupsDeps, result: DrillTableResult, ledger: LedgerView): Promise<DrillTableResult> {
  const record = await deps.repository.findExport(result.table, (r) => r.exportId === result.exportId && r.type === EXPORT_TYPES.full);
  if (!record?.dataPrefix) return { ...result, status: 'FAILED', message: 'The export record of this drill is gone.' };
  // The scratch table is purged of deleted accounts like any restore; the export, as it must be
  // after that purge, is the reference. The export's own count is checked against its record.
  const purge = await purgeRestoredTable(deps, result.table, result.scratchTable!, ledger);
  const raw = await fingerprint(deps.store.items(record.bucket, record.dataPrefix));
  const expected = purge.deletedItems + purge.scrubbedItems === 0 ? raw : await fingerprint(purgedExportItems(deps, result.table, deps.store.items(record.bucket, record.dataPrefix), ledger));
  const restored = await fingerprint(deps.control.scanItems(result.scratchTable!));
  const equal = expected.count === restored.count && expected.checksum === restored.checksum && raw.count === (record.itemCount ?? raw.count);
  return {
    ...result,
    status: equal ? 'EQUAL' : 'DIFFERENT',
    exportItemCount: raw.count,
    restoredItemCount: restored.count,
    exportChecksum: expected.checksum,
    restoredChecksum: restored.checksum,
    purgedAccounts: purge.accounts,
    purgedItems: purge.deletedItems + purge.scrubbedItems,
    message: equal
      ? undefined
      : `Restored ${restored.count} items (checksum ${restored.checksum.slice(0, 12)}) but the export holds ${expected.count} after the purge (checksum ${expected.checksum.slice(0, 12)}; ${raw.count} before it, recorded count ${record.itemCount ?? 'n/a'}).`,
  };
}

async function dropScratch(deps: BackupsDeps, result: DrillTableResult): Promise<DrillTableResult> {
  if (!result.scratchTable) return result;
  try {
    if ((await deps.control.tableStatus(result.scratchTable)) !== undefined) await deps.control.deleteTable(result.scratchTable);
    return { ...result, scratchDeleted: true };
  } catch {
    return { ...result, scratchDeleted: false }; // the next advance tries again
  }
}

async function advanceTable(deps: BackupsDeps, result: DrillTableResult, ledger: () => Promise<LedgerView>): Promise<DrillTableResult> {
  if (result.status !== 'IMPORTING') {
    return result.scratchDeleted === false ? dropScratch(deps, result) : result;
  }
  const description = await deps.control.describeImport(result.importArn!);
  if (description.status === 'IN_PROGRESS' || description.status === 'CANCELLING') return result;
  let next: DrillTableResult;
  if (description.status === 'COMPLETED') {
    try {
      next = { ...(await verify(deps, result, await ledger())), importedItemCount: description.importedItemCount, importErrorCount: description.errorCount };
    } catch (error) {
      next = { ...result, status: 'FAILED', message: `Verification failed: ${(error as Error).name}: ${(error as Error).message}`.slice(0, 500) };
    }
  } else {
    next = { ...result, status: 'FAILED', message: `Import ${description.status}: ${description.failureCode ?? ''} ${description.failureMessage ?? ''}`.trim().slice(0, 500) };
  }
  return dropScratch(deps, next);
}

async function finishIfDone(deps: BackupsDeps, drill: DrillRecord): Promise<DrillRecord> {
  if (drill.status !== 'RUNNING' || drill.tables.some((t) => t.status === 'IMPORTING')) return drill;
  const passed = drill.tables.length > 0 && drill.tables.every((t) => t.status === 'EQUAL');
  const now = new Date(deps.now()).toISOString();
  const done: DrillRecord = { ...drill, status: passed ? 'PASSED' : 'FAILED', finishedAt: now, updatedAt: now };
  await deps.repository.putDrill(done);
  if (passed) await deps.repository.recordEvidence({ kind: 'drill', at: now, drillId: done.drillId, tables: done.tables.length });
  deps.metrics.publish({ RestoreDrillFailures: passed ? 0 : 1, RestoreDrillTablesEqual: done.tables.filter((t) => t.status === 'EQUAL').length });
  if (!passed) {
    await sendAlert(deps, `Restore drill FAILED (${done.drillId})`, [
      `The restore drill ${done.drillId} started ${done.startedAt} did not restore every table equal to its export:`,
      ...done.tables.map((t) => `  ${t.table}: ${t.status}${t.message ? ` — ${t.message}` : ''}`),
      '',
      'Details: `npm run ops -- backups restore-drill-status --id ' + done.drillId + '`.',
    ]);
  }
  return done;
}

/** Moves a drill on: verifies the tables whose import has finished, and closes the drill when all are done. */
export async function advanceDrill(deps: BackupsDeps, drillId: string, maxVerifications = MAX_VERIFICATIONS_PER_CALL): Promise<DrillRecord | undefined> {
  const drill = await deps.repository.getDrill(drillId);
  if (!drill) return undefined;
  const tables: DrillTableResult[] = [];
  let verified = 0;
  let view: Promise<LedgerView> | undefined;
  const ledger = () => (view ??= deps.ledger.view());
  for (const result of drill.tables) {
    // Verifying reads a whole export and scans a whole table: a few per call keeps each call
    // well inside the function's timeout; the next call (CLI poll or schedule) does the rest.
    if (result.status === 'IMPORTING' && verified >= maxVerifications) {
      tables.push(result);
      continue;
    }
    const next = await advanceTable(deps, result, ledger);
    if (result.status === 'IMPORTING' && next.status !== 'IMPORTING') verified += 1;
    tables.push(next);
  }
  const updated: DrillRecord = { ...drill, tables, updatedAt: new Date(deps.now()).toISOString() };
  if (drill.status === 'RUNNING' || tables.some((t, i) => t !== drill.tables[i])) await deps.repository.putDrill(updated);
  return finishIfDone(deps, updated);
}

/** The schedule's call: advances every drill still running (or with a scratch table left to delete). */
export async function advanceOpenDrills(deps: BackupsDeps): Promise<DrillRecord[]> {
  const open = await deps.repository.openDrills(10);
  const out: DrillRecord[] = [];
  for (const drill of open) {
    const advanced = await advanceDrill(deps, drill.drillId);
    if (advanced) out.push(advanced);
  }
  return out;
}
