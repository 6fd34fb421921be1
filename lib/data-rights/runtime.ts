import { accessLogDataRights } from '../access/data-rights';
import { accessStore } from '../access/access-store';
import { audit } from '../audit';
import { billingDataRights } from '../billing/data-rights';
import { stripeCustomers, type StripeCustomers } from '../billing/stripe-customers';
import { connectionsDataRights } from '../connections/data-rights';
import { connections } from '../connections/runtime';
import { identityAccountCloser, identityDataRights } from '../identity/data-rights';
import { factorsDataRights } from '../identity/factors-data-rights';
import { incidentsDataRights } from '../incidents/data-rights';
import { requireEnv } from '../platform/config';
import { sesMailer } from '../platform/mailer';
import { countMetric } from '../platform/metrics';
import { nowIso } from '../platform/time';
import { dynamoDeletionLedger } from './dynamo-ledger';
import type { ErasureDeps } from './erasure';
import { kmsEmailDigester } from './kms-email-digest';
import type { DataRightsPart } from './part';

/**
 * Every capability's data-rights part, wired to the stage, once per execution environment. The
 * order is the erasure order: outside services and the records that need the account first,
 * identity (sessions, tokens, the account itself) last.
 */
const env = {
  accounts: requireEnv('ACCOUNTS_TABLE'),
  tokens: requireEnv('TOKENS_TABLE'),
  billing: requireEnv('BILLING_TABLE'),
  incidents: requireEnv('INCIDENTS_TABLE'),
  audit: requireEnv('AUDIT_TABLE'),
  ledgerKey: requireEnv('DELETION_LEDGER_KEY'),
  stripeKeySecret: requireEnv('STRIPE_API_KEY_SECRET_ID'),
  stripeApiUrl: requireEnv('STRIPE_API_URL'),
};

let customers: StripeCustomers | undefined;
let parts: DataRightsPart[] | undefined;

export function dataRightsParts(): DataRightsPart[] {
  parts ??= [
    connectionsDataRights(connections),
    billingDataRights({ billingTable: env.billing, customers: () => (customers ??= stripeCustomers({ apiKeySecretId: env.stripeKeySecret, apiUrl: env.stripeApiUrl })) }),
    incidentsDataRights({ incidentsTable: env.incidents }),
    factorsDataRights({ accounts: env.accounts }),
    accessLogDataRights(accessStore()),
    identityDataRights({ accounts: env.accounts, tokens: env.tokens }),
  ];
  return parts;
}

export const identityTables = { accounts: env.accounts, tokens: env.tokens };

export function erasureDeps(): ErasureDeps {
  const ledger = dynamoDeletionLedger(env.audit);
  const digester = kmsEmailDigester(env.ledgerKey);
  return {
    parts: dataRightsParts(),
    closer: identityAccountCloser(identityTables),
    ledgerWrite: (entry) => ledger.recordWrite(entry),
    digestEmail: async (email) => (await digester.digests([email])).get(email)!,
    audit: (event) => audit(event),
    mailer: sesMailer(),
    now: nowIso,
    countMetric,
  };
}
