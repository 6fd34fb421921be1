import { sweepExpiredGrants } from '../lib/access/grants';
import { sweepDeps } from '../lib/access/sweep-runtime';
import { loggedHandler } from '../lib/platform/logger';

/**
 * Every 5 minutes (EventBridge): audits the expiry of each lapsed grant that nobody used, approved
 * or listed since (those audit it themselves; grants are checked at use either way).
 */
export const handler = loggedHandler(async () => ({ expired: await sweepExpiredGrants(sweepDeps()) }));
