import { REASON_MAX_LENGTH, requireAccessReason } from '../lib/access/reason';
import { audit } from '../lib/audit';
import { backupsDepsFromEnv } from '../lib/backups/config';
import { advanceDrill, startDrill } from '../lib/backups/drill';
import { listExports, runExports, trackExports } from '../lib/backups/exports';
import { restoreStatus, startRestore } from '../lib/backups/restore';
import { EXPORT_TYPES, type DrillRecord } from '../lib/backups/types';
import { opsHandler, stringArg } from '../lib/ops/handler';
import { BadRequestError, NotFoundError } from '../lib/platform/errors';

const deps = backupsDepsFromEnv();

function limitArg(args: Record<string, unknown>): number {
  const raw = args.limit ?? 20;
  const limit = typeof raw === 'string' ? Number(raw) : raw;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 500) {
    throw new BadRequestError('invalid_argument', '--limit must be a whole number from 1 to 500.');
  }
  return limit;
}

function drillSummary(drill: DrillRecord) {
  return {
    drillId: drill.drillId,
    status: drill.status,
    startedAt: drill.startedAt,
    finishedAt: drill.finishedAt ?? null,
    tables: drill.tables.map((t) => ({
      table: t.table,
      status: t.status,
      exportId: t.exportId ?? null,
      exportItemCount: t.exportItemCount ?? null,
      restoredItemCount: t.restoredItemCount ?? null,
      checksumsEqual: t.exportChecksum === undefined ? null : t.exportChecksum === t.restoredChecksum,
      scratchTable: t.scratchTable ?? null,
      scratchDeleted: t.scratchDeleted ?? null,
      importedItemCount: t.importedItemCount ?? null,
      importErrorCount: t.importErrorCount ?? null,
      message: t.message ?? null,
    })),
  };
}

/**
 * Backups operations. Long operations return at once with what to follow (export ids, a drill id,
 * a target table); the CLI follows them with `track`, `restore-drill-status` and `restore-status`.
 */
export const handler = opsHandler({
  async run(args, ctx) {
    const kind = stringArg(args, 'type') ?? 'full';
    if (kind !== 'full' && kind !== 'incremental') throw new BadRequestError('invalid_argument', '--type must be full or incremental.');
    const result = await runExports(deps, kind === 'full' ? EXPORT_TYPES.full : EXPORT_TYPES.incremental);
    await audit({
      actor: ctx.actor.id,
      action: 'backups.run',
      subject: kind,
      details: { started: result.exports.filter((e) => e.outcome === 'started').length, existing: result.exports.filter((e) => e.outcome === 'existing').length },
    });
    return result;
  },

  async track() {
    return trackExports(deps);
  },

  async list(args) {
    const table = stringArg(args, 'table', { max: 255 });
    if (table && !deps.tables.some((t) => t.logical === table || t.name === table)) {
      throw new BadRequestError('unknown_table', `Unknown table "${table}". Known: ${deps.tables.map((t) => t.logical).join(', ')}.`);
    }
    return { exports: await listExports(deps, { table, limit: limitArg(args) }) };
  },

  async 'restore-drill'(_args, ctx) {
    const drill = await startDrill(deps, ctx.actor.id);
    await audit({ actor: ctx.actor.id, action: 'backups.restore_drill.start', subject: drill.drillId, details: { tables: drill.tables.length } });
    if (drill.status !== 'RUNNING') await audit({ actor: ctx.actor.id, action: 'backups.restore_drill.finish', subject: drill.drillId, details: { status: drill.status } });
    return drillSummary(drill);
  },

  async 'restore-drill-status'(args, ctx) {
    const id = stringArg(args, 'id', { required: true, max: 100 });
    const before = await deps.repository.getDrill(id);
    const drill = await advanceDrill(deps, id);
    if (!drill) throw new NotFoundError('unknown_drill', `No restore drill ${id}.`);
    if (before?.status === 'RUNNING' && drill.status !== 'RUNNING') {
      await audit({ actor: ctx.actor.id, action: 'backups.restore_drill.finish', subject: drill.drillId, details: { status: drill.status } });
    }
    return drillSummary(drill);
  },

  async restore(args, ctx) {
    const table = stringArg(args, 'table', { required: true, max: 255 });
    const targetTable = stringArg(args, 'to', { required: true, max: 255 });
    const exportId = stringArg(args, 'export', { max: 200 });
    const toTime = stringArg(args, 'to-time', { max: 40 });
    // A restore copies every customer's data into a new table: like `customers show`, it needs a
    // ticket or incident reference, and the audit entry is written before anything starts.
    const reason = requireAccessReason(stringArg(args, 'reason', { max: REASON_MAX_LENGTH * 2 }));
    await audit({
      actor: ctx.actor.id,
      action: 'backups.restore',
      subject: table,
      reason,
      details: { targetTable, exportId: exportId ?? null, toTime: toTime ?? null },
    });
    return startRestore(deps, { table, targetTable, exportId, toTime, reason, actor: ctx.actor.id });
  },

  async 'restore-status'(args) {
    const targetTable = stringArg(args, 'to', { required: true, max: 255 });
    const importArn = stringArg(args, 'import', { max: 1024 });
    return restoreStatus(deps, targetTable, importArn);
  },
});
