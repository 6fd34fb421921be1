import * as z from 'zod/mini';
import { accessLogItem, CUSTOMER_DATA_TABLES } from '../lib/access/access-log';
import { accessStore } from '../lib/access/access-store';
import { REASON_MAX_LENGTH, requireAccessReason } from '../lib/access/reason';
import { nowIso } from '../lib/platform/time';
import { audit } from '../lib/audit';
import { backupsDepsFromEnv } from '../lib/backups/config';
import { advanceDrill, startDrill } from '../lib/backups/drill';
import { listExports, runExports, trackExports } from '../lib/backups/exports';
import { restoreStatus, startRestore } from '../lib/backups/restore';
import { EXPORT_TYPES, type DrillRecord } from '../lib/backups/types';
import { choice, optionalText, refusal, requiredText, wholeNumber } from '../lib/ops/args';
import { action, opsHandler } from '../lib/ops/handler';
import { NotFoundError } from '../lib/platform/errors';

const deps = backupsDepsFromEnv();

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
      purgedAccounts: t.purgedAccounts ?? null,
      purgedItems: t.purgedItems ?? null,
      message: t.message ?? null,
    })),
  };
}

/** A table to list the exports of: one this stage backs up, by logical or physical name. */
const knownTable = optionalText(255).check(z.superRefine((table: string | undefined, issues) => {
  if (table === undefined || deps.tables.some((t) => t.logical === table || t.name === table)) return;
  issues.addIssue({ code: 'custom', ...refusal('unknown_table', `Unknown table "${table}". Known: ${deps.tables.map((t) => t.logical).join(', ')}.`) });
}));

/**
 * Backups operations. Long operations return at once with what to follow (export ids, a drill id,
 * a target table); the CLI follows them with `track`, `restore-drill-status` and `restore-status`.
 */
export const handler = opsHandler({
  run: action(
    z.object({ type: choice(['full', 'incremental'], 'full') }),
    async ({ type: kind }, ctx) => {
      const result = await runExports(deps, kind === 'full' ? EXPORT_TYPES.full : EXPORT_TYPES.incremental);
      await audit({
        actor: ctx.actor.id,
        action: 'backups.run',
        subject: kind,
        details: { started: result.exports.filter((e) => e.outcome === 'started').length, existing: result.exports.filter((e) => e.outcome === 'existing').length },
      });
      return result;
    },
  ),

  track: action(z.object({}), () => trackExports(deps)),

  list: action(z.object({ table: knownTable, limit: wholeNumber(1, 500, 20) }), async (args) => ({ exports: await listExports(deps, args) })),

  'restore-drill': action(z.object({}), async (_args, ctx) => {
    const drill = await startDrill(deps, ctx.actor.id);
    await audit({ actor: ctx.actor.id, action: 'backups.restore_drill.start', subject: drill.drillId, details: { tables: drill.tables.length } }, [
      accessStore().log(accessLogItem({ at: drill.startedAt, kind: 'restore-drill', role: ctx.actor.role })),
    ]);
    if (drill.status !== 'RUNNING') await audit({ actor: ctx.actor.id, action: 'backups.restore_drill.finish', subject: drill.drillId, details: { status: drill.status } });
    return drillSummary(drill);
  }),

  'restore-drill-status': action(z.object({ id: requiredText(100) }), async ({ id }, ctx) => {
    const before = await deps.repository.getDrill(id);
    const drill = await advanceDrill(deps, id);
    if (!drill) throw new NotFoundError('unknown_drill', `No restore drill ${id}.`);
    if (before?.status === 'RUNNING' && drill.status !== 'RUNNING') {
      await audit({ actor: ctx.actor.id, action: 'backups.restore_drill.finish', subject: drill.drillId, details: { status: drill.status } });
    }
    return drillSummary(drill);
  }),

  restore: action(
    // startRestore holds the rules beyond shape: a known table, a new target name, one source.
    z.object({ table: requiredText(255), to: requiredText(255), export: optionalText(200), 'to-time': optionalText(40), reason: optionalText(REASON_MAX_LENGTH * 2) }),
    async ({ table, to: targetTable, export: exportId, 'to-time': toTime, reason: given }, ctx) => {
      // A restore copies every customer's data into a new table: like `customers show`, it needs a
      // ticket or incident reference, and the audit entry is written before anything starts.
      const reason = requireAccessReason(given);
      // A table holding customers' data: one entry on every customer's access log, in the same transaction.
      const onCustomersLogs = CUSTOMER_DATA_TABLES.has(table) ? [accessStore().log(accessLogItem({ at: nowIso(), kind: 'restore', reason, role: ctx.actor.role, table }))] : undefined;
      await audit(
        {
          actor: ctx.actor.id,
          action: 'backups.restore',
          subject: table,
          reason,
          details: { targetTable, exportId: exportId ?? null, toTime: toTime ?? null },
        },
        onCustomersLogs,
      );
      return startRestore(deps, { table, targetTable, exportId, toTime, reason, actor: ctx.actor.id });
    },
  ),

  'restore-status': action(z.object({ to: requiredText(255), import: optionalText(1024) }), ({ to, import: importArn }) => restoreStatus(deps, to, importArn)),
});
