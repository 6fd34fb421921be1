import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { EMULATOR_CREDENTIALS, EMULATOR_REGION } from '../../scripts/lib/emulator';
import { applyBillingEvent } from '../../lib/billing/apply';
import { dynamoBillingRepository } from '../../lib/billing/dynamo-billing-repository';
import { readEnvelope, toBillingMessage } from '../../lib/billing/events';
import { sesMailer } from '../../lib/platform/mailer';
import { connectDemo } from '../support/connections';
import { invokeOpsAs } from '../support/ops';
import type { Send, TestResponse } from '../support/http';
import { checkoutSessionObject, stripeEvent } from '../support/stripe';
import { createStripeCustomer } from '../support/stripe-stand-in';
import { createToken, readyAccount, type IdentityContext } from './identity.cases';

/**
 * The data-rights journey shared by the data-rights tests: one customer with something in every
 * capability (a session, a personal token, a Stripe customer linked by a checkout, a connected
 * social account, a security report made while signed in, and an engineer's approved read of the
 * record for a support ticket: a grant and an access-log entry).
 */
export const STAGE_TABLES = {
  accounts: 'helpshelf-local-accounts',
  tokens: 'helpshelf-local-tokens',
  billing: 'helpshelf-local-billing',
  'rate-limits': 'helpshelf-local-rate-limits',
  incidents: 'helpshelf-local-incidents',
  audit: 'helpshelf-local-audit',
  backups: 'helpshelf-local-backups',
  connections: 'helpshelf-local-connections',
  access: 'helpshelf-local-access',
} as const;

/** Tables a deletion keeps the account's items in: the audit log and the access record mirroring it (user id only). */
export const KEPT_TABLES: readonly string[] = ['audit', 'access'];
export const notKept = (found: { table: string }) => !KEPT_TABLES.includes(found.table);

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

export interface FullCustomer {
  email: string;
  password: string;
  ip: string;
  userId: string;
  token: string;
  personalToken: string;
  customerId: string;
  connectionId: string;
  incidentId: string;
  incidentSummary: string;
}

/** Links a Stripe customer to the account as a completed checkout does (the worker's own apply). */
export async function linkStripeCustomer(userId: string, customerId: string): Promise<string> {
  const event = readEnvelope(stripeEvent('checkout.session.completed', checkoutSessionObject({ customer: customerId, userId })))!;
  return applyBillingEvent(toBillingMessage(event)!, {
    repository: dynamoBillingRepository(STAGE_TABLES.billing, STAGE_TABLES.accounts),
    mailer: sesMailer(),
    livemode: false,
    billingUrl: 'http://localhost:3000/account/billing',
  });
}

export async function fullCustomer(ctx: IdentityContext): Promise<FullCustomer> {
  const account = await readyAccount(ctx);
  const pat = await createToken(ctx, account.token, 'data-rights test');
  expect(pat.status).toBe(201);
  const customerId = await createStripeCustomer(account.email);
  expect(await linkStripeCustomer(account.userId, customerId)).toBe('applied');
  const connectionId = await connectDemo(ctx.send, account.token);
  const incidentSummary = `Data-rights report ${account.userId.slice(-6)}`;
  const incident = await ctx.send({
    method: 'POST',
    path: '/v1/incidents',
    headers: bearer(account.token),
    body: { email: account.email, summary: incidentSummary, details: 'Found while testing the export.', scope: 'account' },
    sourceIp: account.ip,
  });
  expect(incident.status).toBe(202);
  await engineerReadsRecord(account.userId);
  return { ...account, personalToken: pat.json.token as string, customerId, connectionId, incidentId: incident.json.id as string, incidentSummary };
}

/** The reference an engineer's read of a full customer's record is made for (its access log shows it). */
export const SUPPORT_TICKET = 'ticket 5150';

/** Engineer alice asks for a grant, bob approves it, alice reads the record (in-process ops, as the CLI would). */
async function engineerReadsRecord(userId: string): Promise<void> {
  const grant = await invokeOpsAs<{ grant: string }>('alice', 'opsAccess', 'request', { customer: userId, reason: SUPPORT_TICKET });
  await invokeOpsAs('bob', 'opsAccess', 'approve', { grant: grant.grant });
  await invokeOpsAs('alice', 'opsCustomers', 'show', { customer: userId, reason: SUPPORT_TICKET });
}

export async function exportMyData(send: Send, token: string): Promise<TestResponse> {
  return send({ method: 'GET', path: '/v1/me/export', headers: bearer(token) });
}

export async function deleteMe(send: Send, token: string, password: string | undefined): Promise<TestResponse> {
  return send({ method: 'DELETE', path: '/v1/me', headers: bearer(token), body: password === undefined ? {} : { password } });
}

/**
 * A reader that keeps numbers as text: other suites leave numbers at the edges of DynamoDB's
 * range in every table (the backups suite), which plain JavaScript numbers cannot hold.
 */
function wholeTableReader(endpoint: string): DynamoDBDocumentClient {
  const credentials = { accessKeyId: EMULATOR_CREDENTIALS.AWS_ACCESS_KEY_ID, secretAccessKey: EMULATOR_CREDENTIALS.AWS_SECRET_ACCESS_KEY };
  return DynamoDBDocumentClient.from(new DynamoDBClient({ region: EMULATOR_REGION, endpoint, credentials }), { unmarshallOptions: { wrapNumbers: true } });
}

/** Every item of every table that names the customer (their user id or address, anywhere in the item). */
export async function itemsNaming(ctx: IdentityContext, who: { userId: string; email: string }): Promise<Array<{ table: string; item: Record<string, unknown> }>> {
  const found: Array<{ table: string; item: Record<string, unknown> }> = [];
  const reader = wholeTableReader(ctx.emulator);
  for (const [logical, table] of Object.entries(STAGE_TABLES)) {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await reader.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start, ConsistentRead: true }));
      for (const item of page.Items ?? []) {
        const text = JSON.stringify(item).toLowerCase();
        if (text.includes(who.userId.toLowerCase()) || text.includes(who.email.toLowerCase())) found.push({ table: logical, item });
      }
      start = page.LastEvaluatedKey;
    } while (start);
  }
  return found;
}
