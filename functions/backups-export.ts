import { backupsDepsFromEnv } from '../lib/backups/config';
import { runExports } from '../lib/backups/exports';
import { EXPORT_TYPES } from '../lib/backups/types';
import { loggedHandler, logger } from '../lib/platform/logger';

const deps = backupsDepsFromEnv();

/** EventBridge schedules: `{type: 'full'}` daily for every table, `{type: 'incremental'}` every few hours for the critical ones. */
export const handler = loggedHandler(async (event: { type?: string }) => {
  const type = event?.type === 'incremental' ? EXPORT_TYPES.incremental : EXPORT_TYPES.full;
  const result = await runExports(deps, type);
  logger.info('backup exports run', { type, outcomes: result.exports.map((e) => `${e.table}:${e.outcome}:${e.status}`) });
  return result;
});
