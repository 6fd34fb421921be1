import { backupsDepsFromEnv } from '../lib/backups/config';
import { trackExports } from '../lib/backups/exports';
import { loggedHandler, logger } from '../lib/platform/logger';

const deps = backupsDepsFromEnv();

/** Schedule: follows unfinished exports to completion, alerts on failures and stale backups. */
export const handler = loggedHandler(async () => {
  const result = await trackExports(deps);
  logger.info('backup exports tracked', { followed: result.followed, completed: result.completed, failed: result.failed, stale: result.freshness.stale.length });
  return result;
});
