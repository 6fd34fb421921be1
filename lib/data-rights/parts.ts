import { accessLogDataRights } from '../access/data-rights';
import type { AccessLogSource } from '../access/access-log';
import { billingDataRights } from '../billing/data-rights';
import type { StripeCustomers } from '../billing/stripe-customers';
import { connectionsDataRights, type ConnectionsForDataRights } from '../connections/data-rights';
import { identityDataRights } from '../identity/data-rights';
import { factorsDataRights } from '../identity/factors-data-rights';
import { incidentsDataRights } from '../incidents/data-rights';
import { requireEnv } from '../platform/config';
import type { DataRightsPart } from './part';

/**
 * THE LIST of every capability's data-rights part, once, for both wirings: the export's
 * (export-runtime.ts: DynamoDB only, as meExport's role) and the deletion's (runtime.ts: the
 * provider, Stripe, KMS, SES). The order is the erasure order: outside services and the records
 * that need the account first, identity (sessions, tokens, the account itself) last.
 */
export const dataRightsTables = {
  accounts: requireEnv('ACCOUNTS_TABLE'),
  tokens: requireEnv('TOKENS_TABLE'),
  billing: requireEnv('BILLING_TABLE'),
  incidents: requireEnv('INCIDENTS_TABLE'),
};

/** What differs between the wirings: the services only a deletion calls. */
export interface DataRightsWiring {
  connections: () => ConnectionsForDataRights;
  customers: () => StripeCustomers;
  accessLog: AccessLogSource;
}

export function dataRightsPartsWith(wiring: DataRightsWiring): DataRightsPart[] {
  const t = dataRightsTables;
  return [
    connectionsDataRights(wiring.connections),
    billingDataRights({ billingTable: t.billing, customers: wiring.customers }),
    incidentsDataRights({ incidentsTable: t.incidents }),
    factorsDataRights({ accounts: t.accounts }),
    accessLogDataRights(wiring.accessLog),
    identityDataRights({ accounts: t.accounts, tokens: t.tokens }),
  ];
}
