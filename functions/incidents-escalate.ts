import { audit } from '../lib/audit';
import { incidentDepsFromEnv } from '../lib/incidents';
import { nowOverride } from '../lib/incidents/clock-override';
import { runEscalation } from '../lib/incidents/service';
import { loggedHandler } from '../lib/platform/logger';

const incidents = incidentDepsFromEnv();
const ACTOR = 'system:escalateIncidents';

/**
 * Every 15 minutes (EventBridge): escalate reports past acknowledgeBy, remind points of contact.
 * On the local stage only, `{"now": ISO}` in the event runs the job at that time (see
 * lib/incidents/clock-override.ts); elsewhere such an event is refused.
 */
export const handler = loggedHandler(async (event: { now?: unknown } | undefined) => {
  const override = nowOverride(event?.now);
  const deps = override === undefined ? incidents : { ...incidents, now: () => override };
  return runEscalation(deps, ACTOR, async (entry) => {
    await audit({ actor: ACTOR, ...entry });
  });
});
