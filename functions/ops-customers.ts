import * as z from 'zod/mini';
import { audit } from '../lib/audit';
import { accessLogItem } from '../lib/access/access-log';
import { CUSTOMER_FACTOR_OFF_ACTION, CUSTOMER_FACTORS_ACTION, listCustomerFactors, turnOffCustomerFactor, type CustomerFactorPorts } from '../lib/access/customer-factors';
import { CUSTOMER_ERASE_ACTION, eraseCustomer } from '../lib/access/customer-erase';
import { showCustomer } from '../lib/access/customer-record';
import { dynamoCustomerDirectory } from '../lib/access/dynamo-customer-directory';
import { requireActiveGrant } from '../lib/access/grants';
import { accessStore, engineerOf, grantDeps } from '../lib/access/grants-runtime';
import { REASON_MAX_LENGTH } from '../lib/access/reason';
import { deleteAccount, eraseParts } from '../lib/data-rights/erasure';
import { erasureDeps, identityTables } from '../lib/data-rights/runtime';
import { accountForErasure } from '../lib/identity/erasure-subject';
import { identityMailer } from '../lib/identity/mail-runtime';
import { mfa } from '../lib/identity/mfa/runtime';
import { passkeyRecordsRuntime } from '../lib/identity/passkeys/records-runtime';
import { supportFactors } from '../lib/identity/support-factors';
import { optionalText, requiredText } from '../lib/ops/args';
import { action, opsHandler } from '../lib/ops/handler';
import type { Actor } from '../lib/ops/types';
import { requireEnv } from '../lib/platform/config';
import { nowIso } from '../lib/platform/time';

const directory = dynamoCustomerDirectory(requireEnv('ACCOUNTS_TABLE'));
// The owner is mailed of every factor turned off (the role allows ses:SendEmail); no vault: nothing is sealed or opened.
const factors = supportFactors({ mfa: () => mfa({ mailer: identityMailer() }), passkeys: () => passkeyRecordsRuntime({ mailer: identityMailer() }) });

/** The ports of the factor commands, bound to the verified engineer. */
function factorPorts(actor: Actor, operation: string): CustomerFactorPorts {
  const engineer = engineerOf(actor);
  return {
    directory,
    audit,
    requireGrant: (customerId, why) => requireActiveGrant(grantDeps(), engineer, customerId, operation, why),
    accessLog: (customerId, at, kind, why) => accessStore().log(accessLogItem({ customerId, at, kind, reason: why, role: engineer.role })),
    factors,
    now: nowIso,
  };
}

// The reason rule lives in lib/access (reason.ts); only the type and size are checked here.
const customerArgs = { customer: requiredText(320), reason: optionalText(REASON_MAX_LENGTH * 2) };

/**
 * `customers show (ID or EMAIL) --reason TEXT`: one customer's record; `customers factors` and
 * `customers factor-off`: their second factors; `customers erase`: a deletion asked by mail (the
 * same deletion as DELETE /v1/me). Each under the engineer's own grant, audited before anything is
 * read or changed (docs/access.md, docs/data-rights.md).
 */
export const handler = opsHandler({
  show: action(z.object(customerArgs), ({ customer, reason }, { actor }) => {
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
  }),
  factors: action(z.object(customerArgs), ({ customer, reason }, { actor }) => listCustomerFactors(factorPorts(actor, CUSTOMER_FACTORS_ACTION), { query: customer, reason, actor: actor.id })),
  'factor-off': action(z.object({ ...customerArgs, factor: optionalText(1500) }), ({ customer, reason, factor }, { actor }) =>
    turnOffCustomerFactor(factorPorts(actor, CUSTOMER_FACTOR_OFF_ACTION), { query: customer, factor, reason, actor: actor.id }),
  ),
  erase: action(z.object(customerArgs), ({ customer, reason }, { actor }) => {
    const engineer = engineerOf(actor);
    return eraseCustomer(
      {
        directory,
        audit,
        requireGrant: (customerId, why) => requireActiveGrant(grantDeps(), engineer, customerId, CUSTOMER_ERASE_ACTION, why),
        erasure: {
          find: (userId) => accountForErasure(identityTables, userId),
          erase: (subject, guard, context) => deleteAccount(erasureDeps(), subject, guard, context),
          finish: (subject, context) => eraseParts(erasureDeps(), subject, context),
        },
      },
      { query: customer, reason, actor: actor.id },
    );
  }),
});
