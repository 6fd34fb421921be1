import { accessLogItem } from '../lib/access/access-log';
import { accessStore } from '../lib/access/access-store';
import { audit } from '../lib/audit';
import { backupsDepsFromEnv } from '../lib/backups/config';
import { advanceOpenDrills, startDrill } from '../lib/backups/drill';
import { loggedHandler, logger } from '../lib/platform/logger';

const deps = backupsDepsFromEnv();
const ACTOR = 'system:backupsRestoreDrill';

/** Schedules: `{job: 'start'}` weekly starts a drill; `{job: 'advance'}` moves running drills on until they finish. */
export const handler = loggedHandler(async (event: { job?: string }) => {
  if (event?.job === 'start') {
    const drill = await startDrill(deps, ACTOR);
    await audit({ actor: ACTOR, action: 'backups.restore_drill.start', subject: drill.drillId, details: { tables: drill.tables.length } }, [
      accessStore().log(accessLogItem({ at: drill.startedAt, kind: 'restore-drill', role: 'Automated' })),
    ]);
    logger.info('restore drill started', { drillId: drill.drillId, status: drill.status });
    return { drillId: drill.drillId, status: drill.status };
  }
  const drills = await advanceOpenDrills(deps);
  for (const drill of drills.filter((d) => d.status !== 'RUNNING')) {
    await audit({ actor: ACTOR, action: 'backups.restore_drill.finish', subject: drill.drillId, details: { status: drill.status } });
  }
  logger.info('restore drills advanced', { drills: drills.map((d) => `${d.drillId}:${d.status}`) });
  return { drills: drills.map((d) => ({ drillId: d.drillId, status: d.status })) };
});
