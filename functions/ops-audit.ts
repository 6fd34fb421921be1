import * as z from 'zod/mini';
import { auditChain } from '../lib/audit';
import { listAudit } from '../lib/access/audit-report';
import { optionalText } from '../lib/ops/args';
import { action, opsHandler } from '../lib/ops/handler';

/** `audit list [--since ISO]`: verifies the whole keyed chain and its anchors, then lists the entries. */
export const handler = opsHandler({
  list: action(z.object({ since: optionalText(40) }), (args) => listAudit(auditChain(), args)),
});
