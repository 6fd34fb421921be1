import * as z from 'zod/mini';
import { audit } from '../lib/audit';
import { showCustomer } from '../lib/access/customer-record';
import { dynamoCustomerDirectory } from '../lib/access/dynamo-customer-directory';
import { REASON_MAX_LENGTH } from '../lib/access/reason';
import { optionalText, requiredText } from '../lib/ops/args';
import { action, opsHandler } from '../lib/ops/handler';
import { requireEnv } from '../lib/platform/config';

const directory = dynamoCustomerDirectory(requireEnv('ACCOUNTS_TABLE'));

/** `customers show (ID or EMAIL) --reason TEXT`: one customer's record, audited before it is read. */
export const handler = opsHandler({
  show: action(
    // The reason rule lives in showCustomer; only the type and size are checked here.
    z.object({ customer: requiredText(320), reason: optionalText(REASON_MAX_LENGTH * 2) }),
    ({ customer, reason }, { actor }) => showCustomer({ directory, audit }, { query: customer, reason, actor: actor.id }),
  ),
});
