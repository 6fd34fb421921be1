import { auditStore } from '../lib/audit';
import { listAudit } from '../lib/access/audit-report';
import { opsHandler, stringArg } from '../lib/ops/handler';

/** `audit list [--since ISO]`: verifies the whole hash chain, then lists the entries. */
export const handler = opsHandler({
  list: async (args) => listAudit(auditStore(), { since: stringArg(args, 'since', { max: 40 }) }),
});
