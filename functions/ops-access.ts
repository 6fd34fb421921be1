import * as z from 'zod/mini';
import { dynamoCustomerDirectory } from '../lib/access/dynamo-customer-directory';
import { parseCustomerQuery } from '../lib/access/customer-record';
import { DEFAULT_GRANT_MINUTES, GRANT_ID, MAX_GRANT_MINUTES, approveGrant, listGrants, requestGrant } from '../lib/access/grants';
import { engineerOf, grantDeps } from '../lib/access/grants-runtime';
import { REASON_MAX_LENGTH } from '../lib/access/reason';
import { flag, optionalText, refusal, requiredText, wholeNumber } from '../lib/ops/args';
import { action, opsHandler } from '../lib/ops/handler';
import { requireEnv } from '../lib/platform/config';
import { NotFoundError } from '../lib/platform/errors';

const directory = dynamoCustomerDirectory(requireEnv('ACCOUNTS_TABLE'));

/** `access request|approve|grants`: grants a second engineer approves (docs/access.md "Grants"). */
export const handler = opsHandler({
  request: action(
    z.object({
      customer: requiredText(320),
      reason: optionalText(REASON_MAX_LENGTH * 2),
      minutes: wholeNumber(1, MAX_GRANT_MINUTES, DEFAULT_GRANT_MINUTES),
      emergency: flag(),
    }),
    async ({ customer, reason, minutes, emergency }, { actor }) => {
      const query = parseCustomerQuery(customer);
      const customerId = 'email' in query ? await directory.userIdForEmail(query.email) : query.userId;
      if (!customerId) throw new NotFoundError('customer_not_found', `No customer with email ${'email' in query ? query.email : ''}.`);
      return requestGrant(grantDeps(), engineerOf(actor), { customerId, reason, minutes, emergency });
    },
  ),
  approve: action(
    z.object({ grant: z.string().check(z.regex(GRANT_ID, refusal('invalid_grant', '--grant must be a grant id (gr_…).'))) }),
    ({ grant }, { actor }) => approveGrant(grantDeps(), engineerOf(actor), grant),
  ),
  list: action(z.object({ active: flag() }), ({ active }) => listGrants(grantDeps(), { active })),
});
