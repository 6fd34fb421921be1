import { createHash } from 'node:crypto';
import { EXPORT_TYPES, type BackedUpTable, type ExportType, type ExportWindow } from './types';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Hours covered by one incremental export; the schedule in sls/functions/backups.yml matches it. */
export const INCREMENTAL_HOURS = 4;

/** A full export newer than this counts as a good backup; older means the ops address is alerted. */
export const MAX_FULL_EXPORT_AGE_MS = 26 * HOUR;

/**
 * The window a run at `now` belongs to. Full exports: the UTC day, so every run that day is the
 * same export. Incremental exports: the last *completed* INCREMENTAL_HOURS slot, so the export
 * covers changes that are all in the past (ExportToTime must not be in the future).
 */
export function exportWindow(type: ExportType, now: number): ExportWindow {
  if (type === EXPORT_TYPES.full) {
    const from = Math.floor(now / DAY) * DAY;
    return { type, key: new Date(from).toISOString().slice(0, 10), from: new Date(from).toISOString(), to: new Date(from + DAY).toISOString() };
  }
  const slot = INCREMENTAL_HOURS * HOUR;
  const to = Math.floor(now / slot) * slot;
  const from = to - slot;
  return { type, key: new Date(from).toISOString().slice(0, 13), from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}

/**
 * DynamoDB's idempotency token for one table and window: a retried or repeated run sends the same
 * token, so AWS answers with the export it already started instead of starting a second one.
 */
export function exportClientToken(tableName: string, window: ExportWindow): string {
  return createHash('sha256').update(`${tableName}|${window.type}|${window.key}`).digest('hex').slice(0, 32);
}

/** Where an export's files go: one prefix per table, type and window. */
export function exportPrefix(table: BackedUpTable, window: ExportWindow): string {
  const kind = window.type === EXPORT_TYPES.full ? 'full' : 'incremental';
  return `exports/${table.logical}/${kind}/${window.key}`;
}

/** The export id people use: the last segment of the export ARN. */
export function exportIdOf(exportArn: string): string {
  return exportArn.slice(exportArn.lastIndexOf('/') + 1);
}
