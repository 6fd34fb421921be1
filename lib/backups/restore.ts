import { createHash } from 'node:crypto';
import { BadRequestError, ConflictError, NotFoundError } from '../platform/errors';
import { findTable } from './exports';
import { purgeRestoredTable } from './purge';
import { EXPORT_STATUS, type BackupsDeps, type PurgeResult, type RestoreRecord } from './types';

const PITR_WINDOW_MS = 35 * 24 * 3_600_000;

export interface RestoreRequest {
  table: string;
  targetTable: string;
  exportId?: string;
  toTime?: string;
  actor: string;
  reason?: string;
}

/**
 * Restores one table into a NEW table (DynamoDB restores never overwrite): from an export with
 * ImportTable, or to a point in time with RestoreTableToPointInTime (the latest restorable time
 * when neither is given). Returns at once; the target table becomes ACTIVE when AWS is done
 * (`backups restore-status`). Switching the stage to the restored table is the runbook's job
 * (docs/runbook-restore.md), never automatic.
 */
export async function startRestore(deps: BackupsDeps, request: RestoreRequest): Promise<RestoreRecord & { status: string }> {
  const table = findTable(deps, request.table);
  if (!table) throw new BadRequestError('unknown_table', `Unknown table "${request.table}". Known: ${deps.tables.map((t) => t.logical).join(', ')}.`);
  if (request.exportId && request.toTime) throw new BadRequestError('invalid_argument', 'Give --export or --to-time, not both.');
  const suffix = request.targetTable.startsWith(deps.restorePrefix) ? request.targetTable.slice(deps.restorePrefix.length) : '';
  if (!/^[a-z0-9][a-z0-9.-]{0,99}$/.test(suffix)) {
    throw new BadRequestError('invalid_target', `--to must be a new table named ${deps.restorePrefix}<name> (lower-case letters, digits, '-', '.'; at most 100 after the prefix).`);
  }
  if ((await deps.control.tableStatus(request.targetTable)) !== undefined) {
    throw new ConflictError('target_exists', `Table ${request.targetTable} exists already; restores only create new tables.`);
  }
  const nowMs = deps.now();
  const at = new Date(nowMs).toISOString();
  const restoreId = `rst_${deps.newId()}`;
  const base = { restoreId, at, actor: request.actor, table: table.logical, targetTable: request.targetTable, reason: request.reason };

  if (request.exportId) {
    const record = await deps.repository.findExport(table.logical, (r) => r.exportId === request.exportId);
    if (!record) throw new NotFoundError('unknown_export', `No export ${request.exportId} of ${table.logical}; see \`backups list --table ${table.logical}\`.`);
    if (record.status !== EXPORT_STATUS.completed || !record.dataPrefix) {
      throw new BadRequestError('export_not_restorable', `Export ${request.exportId} is ${record.status}; only a completed export can be restored.`);
    }
    if (record.itemCount === 0) throw new BadRequestError('export_not_restorable', `Export ${request.exportId} holds no items; ImportTable cannot create a table from it. Use --to-time, or create the table empty.`);
    if (record.type !== 'FULL_EXPORT') throw new BadRequestError('export_not_restorable', 'An incremental export holds only changes; restore a full export or use --to-time.');
    const schema = await deps.control.describeTable(table.name);
    const started = await deps.control.importTable({
      tableName: request.targetTable,
      bucket: record.bucket,
      dataPrefix: record.dataPrefix,
      schema,
      clientToken: createHash('sha256').update(`${restoreId}`).digest('hex').slice(0, 32),
      kmsKeyId: deps.kmsKeyId,
    });
    const restore: RestoreRecord = { ...base, method: 'IMPORT_FROM_EXPORT', exportId: record.exportId, importArn: started.importArn };
    await deps.repository.putRestore(restore);
    return { ...restore, status: started.status };
  }

  let time: Date | undefined;
  if (request.toTime) {
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(request.toTime) || Number.isNaN(Date.parse(request.toTime))) {
      throw new BadRequestError('invalid_time', '--to-time must be an ISO 8601 instant with a time zone, e.g. 2026-11-24T05:30:00Z.');
    }
    time = new Date(request.toTime);
    if (time.getTime() > nowMs) throw new BadRequestError('invalid_time', '--to-time is in the future.');
    if (nowMs - time.getTime() > PITR_WINDOW_MS) throw new BadRequestError('invalid_time', '--to-time is older than the 35-day point-in-time recovery window.');
  }
  const out = await deps.control.restoreToPointInTime({ sourceTable: table.name, targetTable: request.targetTable, time, kmsKeyId: deps.kmsKeyId });
  const restore: RestoreRecord = { ...base, method: 'POINT_IN_TIME', toTime: time ? time.toISOString() : 'latest' };
  await deps.repository.putRestore(restore);
  return { ...restore, status: out.status };
}

/**
 * Where a restore stands: the target table's status, and the import's when it came from an export.
 * A restore is `done` only once the restored table was purged of every account deleted since
 * (the deletion ledger, lib/backups/purge.ts): the first call that finds the table ready applies
 * the ledger and records what it removed on the restore record (`purge`), so no restore hands
 * over an account its owner deleted.
 */
export async function restoreStatus(deps: BackupsDeps, targetTable: string, importArn?: string) {
  if (!targetTable.startsWith(deps.restorePrefix)) throw new BadRequestError('invalid_target', `Restored tables are named ${deps.restorePrefix}<name>.`);
  const tableStatus = (await deps.control.tableStatus(targetTable)) ?? 'NOT_FOUND';
  const imported = importArn ? await deps.control.describeImport(importArn) : undefined;
  // A failed import can still leave a table with part of the data: it is purged all the same.
  const ready = tableStatus === 'ACTIVE' && (imported ? imported.status !== 'IN_PROGRESS' : true);
  const finished = imported ? imported.status !== 'IN_PROGRESS' && tableStatus !== 'CREATING' : tableStatus === 'ACTIVE';
  let purge: PurgeResult | null = null;
  if (ready) {
    const record = await deps.repository.findRestore(targetTable);
    purge = record?.purge ?? null;
    if (!purge) {
      const table = findTable(deps, record?.table ?? '') ?? deps.tables.find((t) => targetTable.endsWith(`-${t.logical}`));
      if (!table) throw new NotFoundError('unknown_restore', `No restore into ${targetTable} is recorded; its table is unknown, so it cannot be purged of deleted accounts.`);
      purge = await purgeRestoredTable(deps, table.logical, targetTable);
      if (record) await deps.repository.putRestore({ ...record, purge });
    }
  }
  return {
    targetTable,
    tableStatus,
    importStatus: imported?.status ?? null,
    importedItemCount: imported?.importedItemCount ?? null,
    done: finished && (!ready || purge !== null),
    purgedAccounts: purge?.accounts ?? null,
    purgedItems: purge ? purge.deletedItems + purge.scrubbedItems : null,
  };
}
