import { auditChain } from '../lib/audit';
import { listAudit } from '../lib/access/audit-report';
import { opsHandler, stringArg } from '../lib/ops/handler';

/** `audit list [--since ISO]`: verifies the whole keyed chain and its anchor, then lists the entries. */
export const handler = opsHandler({
  list: async (args) => listAudit(auditChain(), { since: stringArg(args, 'since', { max: 40 }) }),
});
