import * as z from 'zod/mini';
import { audit } from '../lib/audit';
import { accessLogItem } from '../lib/access/access-log';
import { showCustomer } from '../lib/access/customer-record';
import { dynamoCustomerDirectory } from '../lib/access/dynamo-customer-directory';
import { requireActiveGrant } from '../lib/access/grants';
import { accessStore, engineerOf, grantDeps } from '../lib/access/grants-runtime';
import { REASON_MAX_LENGTH } from '../lib/access/reason';
import { optionalText, requiredText } from '../lib/ops/args';
import { action, opsHandler } from '../lib/ops/handler';
import { requireEnv } from '../lib/platform/config';
import { nowIso } from '../lib/platform/time';

const directory = dynamoCustomerDirectory(requireEnv('ACCOUNTS_TABLE'));

/** `customers show (ID or EMAIL) --reason TEXT`: one customer's record, under the engineer's own grant, audited before it is read. */
export const handler = opsHandler({
  show: action(
    // The reason rule lives in showCustomer; only the type and size are checked here.
    z.object({ customer: requiredText(320), reason: optionalText(REASON_MAX_LENGTH * 2) }),
    ({ customer, reason }, { actor }) => {
      const engineer = engineerOf(actor);
      return showCustomer(
        {
          directory,
          audit,
          requireGrant: (customerId, why) => requireActiveGrant(grantDeps(), engineer, customerId, 'customers.show', why),
          readLog: (customerId, at, why) => accessStore().log(accessLogItem({ customerId, at, kind: 'record-read', reason: why, role: engineer.role })),
          now: nowIso,
        },
        { query: customer, reason, actor: actor.id },
      );
    },
  ),
});
