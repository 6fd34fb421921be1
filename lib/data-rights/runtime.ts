import { accessStore } from '../access/access-store';
import { audit } from '../audit';
import type { StripeCustomers } from '../billing/stripe-customers';
import { connections } from '../connections/runtime';
import { identityAccountCloser } from '../identity/data-rights';
import { requireEnv } from '../platform/config';
import { sesMailer } from '../platform/mailer';
import { countMetric } from '../platform/metrics';
import { nowIso } from '../platform/time';
import { dynamoDeletionLedger } from './dynamo-ledger';
import type { ErasureDeps } from './erasure';
import { kmsEmailDigester } from './kms-email-digest';
import type { DataRightsPart } from './part';
import { dataRightsPartsWith, dataRightsTables } from './parts';

/**
 * The deletion's wiring (meDelete, and the ops erasure): every part with the services it erases
 * through (the provider, Stripe), the ledger, the audit log and the owner's mail, once per
 * execution environment. The Stripe SDK is loaded when a deletion first needs it (most accounts
 * have no Stripe customer), not at cold start. The export has its own wiring (export-runtime.ts).
 */
const env = {
  audit: requireEnv('AUDIT_TABLE'),
  ledgerKey: requireEnv('DELETION_LEDGER_KEY'),
  stripeKeySecret: requireEnv('STRIPE_API_KEY_SECRET_ID'),
  stripeApiUrl: requireEnv('STRIPE_API_URL'),
};

let customers: Promise<StripeCustomers> | undefined;
const lazyStripeCustomers: StripeCustomers = {
  async delete(customerId) {
    customers ??= import('../billing/stripe-customers')
      .then((m) => m.stripeCustomers({ apiKeySecretId: env.stripeKeySecret, apiUrl: env.stripeApiUrl }))
      .catch((error: unknown) => {
        customers = undefined; // the next deletion tries again
        throw error;
      });
    return (await customers).delete(customerId);
  },
};

let parts: DataRightsPart[] | undefined;

export function dataRightsParts(): DataRightsPart[] {
  parts ??= dataRightsPartsWith({ connections, customers: () => lazyStripeCustomers, accessLog: accessStore() });
  return parts;
}

export const identityTables = { accounts: dataRightsTables.accounts, tokens: dataRightsTables.tokens };

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
