import { audit } from '../lib/audit';
import { showCustomer } from '../lib/access/customer-record';
import { dynamoCustomerDirectory } from '../lib/access/dynamo-customer-directory';
import { REASON_MAX_LENGTH } from '../lib/access/reason';
import { opsHandler, stringArg } from '../lib/ops/handler';
import { requireEnv } from '../lib/platform/config';

const directory = dynamoCustomerDirectory(requireEnv('ACCOUNTS_TABLE'));

/** `customers show (ID or EMAIL) --reason TEXT`: one customer's record, audited before it is read. */
export const handler = opsHandler({
  show: async (args, { actor }) =>
    showCustomer(
      { directory, audit },
      {
        query: stringArg(args, 'customer', { required: true, max: 320 }),
        // The reason rule lives in showCustomer; only the type and size are checked here.
        reason: stringArg(args, 'reason', { max: REASON_MAX_LENGTH * 2 }),
        actor: actor.id,
      },
    ),
});
