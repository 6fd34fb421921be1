import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { BenchContext, ThroughputSpec, WarmScenario } from './types';
import { emulatorDocumentClient } from '../lib/emulator-clients';
import { CONNECTION_SCENARIOS } from './connections';
import { DATA_RIGHTS_SCENARIOS } from './data-rights';
import { PASSKEY_SCENARIOS } from './passkeys';
import { bearer, IDENTITY } from './requests';

/**
 * THE BENCH'S DATA. One entry per measured route. A scenario whose route (or a route its setup
 * needs, in `requires`) no function of serverless.yml serves is reported "not built", so the
 * entries for the API.md routes below light up as the capabilities merge, whatever function keys
 * they chose. To add a route: append one entry to WARM_SCENARIOS (route, requires, request
 * builder, expected statuses, AWS-call target).
 */

// ------------------------------------------------------------------ flows used by setups

const PASSWORD = () => `Bench-${randomUUID()}-pw`;

/** The single-use token from a mail body: a `token=` query parameter, else the longest token-like word. */
export function tokenFromMail(body: string): string {
  const query = /[?&]token=([^&\s]+)/.exec(body);
  if (query) return decodeURIComponent(query[1]);
  const words = body.match(/[A-Za-z0-9_-]{20,}/g) ?? [];
  const token = words.sort((a, b) => b.length - a.length)[0];
  if (!token) throw new Error('No token found in the mail');
  return token;
}

export interface Account {
  email: string;
  password: string;
  token: string;
  tokenId: string;
}

/** Signs up, verifies through the emailed token and logs in, through the real handlers. */
export async function signUpAndLogIn(ctx: BenchContext): Promise<Account> {
  const email = ctx.uniqueEmail('acct');
  const password = PASSWORD();
  const signup = await ctx.send({ method: 'POST', path: '/v1/signup', body: { email, password, name: 'Bench' }, sourceIp: ctx.nextIp() });
  if (signup.status !== 202) throw new Error(`signup answered ${signup.status}`);
  const mail = (await ctx.mailTo(email)).at(-1);
  if (!mail) throw new Error('no verification mail');
  const verify = await ctx.send({ method: 'POST', path: '/v1/signup/verify', body: { token: tokenFromMail(mail.body), password }, sourceIp: ctx.nextIp() });
  if (verify.status !== 200) throw new Error(`verify answered ${verify.status}`);
  const login = await ctx.send({ method: 'POST', path: '/v1/sessions', body: { email, password }, sourceIp: ctx.nextIp() });
  if (login.status !== 201) throw new Error(`login answered ${login.status}`);
  return { email, password, token: login.json.token, tokenId: login.json.tokenId };
}

/** A session token made for one iteration to spend (revocation scenarios). */
async function freshToken(ctx: BenchContext, account: Account): Promise<{ token: string; tokenId: string }> {
  const res = await ctx.send({ method: 'POST', path: '/v1/sessions', body: { email: account.email, password: account.password }, sourceIp: ctx.nextIp() });
  if (res.status !== 201) throw new Error(`login answered ${res.status}`);
  return { token: res.json.token, tokenId: res.json.tokenId };
}


// ------------------------------------------------------------------ warm scenarios

export const WARM_SCENARIOS: WarmScenario<any>[] = [ // eslint-disable-line @typescript-eslint/no-explicit-any
  // Routes that exist today.
  { name: 'health', method: 'GET', path: '/v1/health', requires: [], request: () => ({ method: 'GET', path: '/v1/health' }), expect: [200], awsCalls: { max: 0 } },
  {
    name: 'security.txt',
    method: 'GET',
    path: '/.well-known/security.txt',
    requires: [],
    request: () => ({ method: 'GET', path: '/.well-known/security.txt' }),
    expect: [200],
    awsCalls: { max: 0 },
  },
  { name: 'unknown route (404)', method: 'GET', path: '/v1/nope', requires: ['fallback'], fallbackRoute: true, request: () => ({ method: 'GET', path: '/v1/nope' }), expect: [404], awsCalls: { max: 0 } },

  // API.md routes: data only until their functions merge.
  {
    name: 'signup',
    method: 'POST',
    path: '/v1/signup',
    requires: [],
    request: (ctx) => ({ method: 'POST', path: '/v1/signup', body: { email: ctx.uniqueEmail('signup'), password: PASSWORD() }, sourceIp: ctx.nextIp() }),
    expect: [202],
    awsCalls: { max: 3, plusEmail: true },
    argon2Ops: 1,
  },
  {
    name: 'login',
    method: 'POST',
    path: '/v1/sessions',
    requires: IDENTITY,
    setup: (ctx) => signUpAndLogIn(ctx),
    request: (ctx, account: Account) => ({ method: 'POST', path: '/v1/sessions', body: { email: account.email, password: account.password }, sourceIp: ctx.nextIp() }),
    expect: [201],
    awsCalls: { max: 3 }, // reserve, one read, one write (issue 14's floor)
    compareWithArgon2: true,
    argon2Ops: 1,
  },
  {
    name: 'me',
    method: 'GET',
    path: '/v1/me',
    requires: IDENTITY,
    setup: (ctx) => signUpAndLogIn(ctx),
    request: (_ctx, account: Account) => ({ method: 'GET', path: '/v1/me', headers: bearer(account.token) }),
    expect: [200],
    awsCalls: { max: 1 },
  },
  {
    name: 'list tokens',
    method: 'GET',
    path: '/v1/tokens',
    requires: IDENTITY,
    setup: (ctx) => signUpAndLogIn(ctx),
    request: (_ctx, account: Account) => ({ method: 'GET', path: '/v1/tokens', headers: bearer(account.token) }),
    expect: [200],
    awsCalls: { max: 2 },
  },
  {
    name: 'token revocation (DELETE /v1/sessions/current)',
    method: 'DELETE',
    path: '/v1/sessions/current',
    requires: IDENTITY,
    setup: (ctx) => signUpAndLogIn(ctx),
    request: async (ctx, account: Account) => ({ method: 'DELETE', path: '/v1/sessions/current', headers: bearer((await freshToken(ctx, account)).token) }),
    expect: [204],
    awsCalls: { max: 2 },
  },
  {
    name: 'token revocation (POST /v1/oauth/revoke)',
    method: 'POST',
    path: '/v1/oauth/revoke',
    requires: IDENTITY,
    setup: (ctx) => signUpAndLogIn(ctx),
    request: async (ctx, account: Account) => ({
      method: 'POST',
      path: '/v1/oauth/revoke',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `token=${encodeURIComponent((await freshToken(ctx, account)).token)}`,
    }),
    expect: [200],
    awsCalls: { max: 2 },
  },
  {
    name: 'signup verification',
    method: 'POST',
    path: '/v1/signup/verify',
    requires: ['POST /v1/signup'],
    request: async (ctx) => {
      const email = ctx.uniqueEmail('verify');
      const password = PASSWORD();
      await ctx.send({ method: 'POST', path: '/v1/signup', body: { email, password }, sourceIp: ctx.nextIp() });
      const mail = (await ctx.mailTo(email)).at(-1);
      return { method: 'POST', path: '/v1/signup/verify', body: { token: tokenFromMail(mail?.body ?? ''), password }, sourceIp: ctx.nextIp() };
    },
    expect: [200],
    // The link, the throttle reservation, the counters, the verification (issue 21: the password is checked).
    awsCalls: { max: 4 },
    argon2Ops: 1,
  },
  {
    name: 'password change',
    method: 'POST',
    path: '/v1/password',
    requires: IDENTITY,
    setup: (ctx) => signUpAndLogIn(ctx),
    request: (_ctx, account: Account) => {
      const newPassword = PASSWORD();
      const request = { method: 'POST', path: '/v1/password', headers: bearer(account.token), body: { currentPassword: account.password, newPassword } };
      account.password = newPassword; // the next iteration presents the new one
      return request;
    },
    expect: [204],
    awsCalls: { max: 3 },
    argon2Ops: 2,
  },
  {
    name: 'password reset request (unknown email)',
    method: 'POST',
    path: '/v1/password/reset-request',
    requires: [],
    request: (ctx) => ({ method: 'POST', path: '/v1/password/reset-request', body: { email: ctx.uniqueEmail('reset') }, sourceIp: ctx.nextIp() }),
    expect: [202],
    // The same four DynamoDB requests and one mail as for a registered address (issue 21 §3: the
    // two answers must not be told apart by their work; test/integration/identity/aws-calls.test.ts).
    awsCalls: { max: 4, plusEmail: true },
  },
  {
    // A fresh account per iteration (untimed: signup and verification in the request builder): an
    // account may ask for 3 resets an hour, so reusing one made every iteration after the third
    // present a stale token (498 of 500 unexpected in the 2026-11-24 run).
    name: 'password reset',
    method: 'POST',
    path: '/v1/password/reset',
    requires: ['POST /v1/signup', 'POST /v1/signup/verify', 'POST /v1/password/reset-request'],
    request: async (ctx) => {
      const email = ctx.uniqueEmail('reset');
      const password = PASSWORD();
      const signup = await ctx.send({ method: 'POST', path: '/v1/signup', body: { email, password }, sourceIp: ctx.nextIp() });
      if (signup.status !== 202) throw new Error(`signup answered ${signup.status}`);
      const verifyMail = (await ctx.mailTo(email)).at(-1);
      const verify = await ctx.send({ method: 'POST', path: '/v1/signup/verify', body: { token: tokenFromMail(verifyMail?.body ?? ''), password }, sourceIp: ctx.nextIp() });
      if (verify.status !== 200) throw new Error(`verify answered ${verify.status}`);
      const before = (await ctx.mailTo(email)).length;
      const asked = await ctx.send({ method: 'POST', path: '/v1/password/reset-request', body: { email }, sourceIp: ctx.nextIp() });
      if (asked.status !== 202) throw new Error(`reset request answered ${asked.status}`);
      const mails = await ctx.mailTo(email);
      if (mails.length <= before) throw new Error('no reset mail');
      return { method: 'POST', path: '/v1/password/reset', body: { token: tokenFromMail(mails.at(-1)!.body), newPassword: PASSWORD() }, sourceIp: ctx.nextIp() };
    },
    expect: [204],
    awsCalls: { max: 2 },
    argon2Ops: 1,
    maxIterations: 200,
  },
  {
    name: 'create token',
    method: 'POST',
    path: '/v1/tokens',
    requires: IDENTITY,
    setup: (ctx) => signUpAndLogIn(ctx),
    request: (_ctx, account: Account, i) => ({ method: 'POST', path: '/v1/tokens', headers: bearer(account.token), body: { name: `bench ${i}` } }),
    expect: [201],
    awsCalls: { max: 2 },
    // One account holds at most 50 access tokens: the untimed first call (which builds the mark's
    // token map) and 48 timed ones stay under the cap, so every run is a 201.
    maxIterations: 48,
  },
  {
    name: 'token revocation (DELETE /v1/tokens/{id})',
    method: 'DELETE',
    path: '/v1/tokens/{id}',
    requires: [...IDENTITY, 'POST /v1/tokens'],
    setup: (ctx) => signUpAndLogIn(ctx),
    request: async (ctx, account: Account, i) => {
      const created = await ctx.send({ method: 'POST', path: '/v1/tokens', headers: bearer(account.token), body: { name: `bench ${i}` } });
      return { method: 'DELETE', path: `/v1/tokens/${created.json?.id}`, headers: bearer(account.token) };
    },
    expect: [204],
    awsCalls: { max: 2 },
  },
  {
    name: 'revoke all tokens',
    method: 'POST',
    path: '/v1/tokens/revoke-all',
    requires: IDENTITY,
    setup: (ctx) => signUpAndLogIn(ctx),
    request: async (ctx, account: Account) => ({ method: 'POST', path: '/v1/tokens/revoke-all', headers: bearer((await freshToken(ctx, account)).token) }),
    expect: [204],
    awsCalls: { max: 2 },
  },
  {
    name: 'incident report',
    method: 'POST',
    path: '/v1/incidents',
    requires: [],
    request: (ctx) => ({ method: 'POST', path: '/v1/incidents', body: { email: ctx.uniqueEmail('incident'), summary: 'Bench report', details: 'Sent by the bench.', scope: 'security' }, sourceIp: ctx.nextIp() }),
    expect: [202],
    awsCalls: { max: 2, plusEmail: true, emails: 2 },
  },
  {
    name: 'incident status',
    method: 'GET',
    path: '/v1/incidents/{id}',
    requires: ['POST /v1/incidents'],
    setup: async (ctx) => {
      const res = await ctx.send({ method: 'POST', path: '/v1/incidents', body: { email: ctx.uniqueEmail('incident'), summary: 'Bench report', details: 'Sent by the bench.', scope: 'account' }, sourceIp: ctx.nextIp() });
      return { id: res.json?.id as string, trackingToken: res.json?.trackingToken as string };
    },
    request: (_ctx, incident: { id: string; trackingToken: string }) => ({ method: 'GET', path: `/v1/incidents/${incident.id}`, headers: { 'X-Tracking-Token': incident.trackingToken } }),
    expect: [200],
    awsCalls: { max: 2 },
  },
  {
    name: 'webhook receipt',
    method: 'POST',
    path: '/v1/webhooks/stripe',
    requires: [],
    request: (ctx) => {
      const event = stripeEvent('customer.subscription.updated', { id: `sub_${randomUUID().slice(0, 12)}`, object: 'subscription', customer: 'cus_bench', status: 'active' });
      return { method: 'POST', path: '/v1/webhooks/stripe', headers: { 'Content-Type': 'application/json', 'Stripe-Signature': stripeSignature(ctx.webhookSecret, event.payload) }, body: event.payload };
    },
    expect: [200],
    awsCalls: { max: 2 },
  },
  {
    name: 'advisories',
    method: 'GET',
    path: '/v1/security/advisories',
    requires: [],
    request: () => ({ method: 'GET', path: '/v1/security/advisories' }),
    expect: [200],
    awsCalls: { max: 1 },
  },
  ...CONNECTION_SCENARIOS,
  ...DATA_RIGHTS_SCENARIOS,
  ...PASSKEY_SCENARIOS,
];

// ------------------------------------------------------------------ Stripe helpers

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createHmac } = require('node:crypto') as typeof import('node:crypto');

export function stripeSignature(secret: string, payload: string, timestamp = Math.floor(Date.now() / 1000)): string {
  const v1 = createHmac('sha256', secret).update(`${timestamp}.${payload}`).digest('hex');
  return `t=${timestamp},v1=${v1}`;
}

export function stripeEvent(type: string, object: Record<string, unknown>, id = `evt_${randomUUID().replace(/-/g, '').slice(0, 24)}`): { id: string; type: string; payload: string } {
  const payload = JSON.stringify({
    id,
    object: 'event',
    api_version: '2024-06-20',
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object },
  });
  return { id, type, payload };
}

// ------------------------------------------------------------------ throughput

interface ThroughputState {
  users: Array<{ userId: string; subscriptionId: string }>;
}

/**
 * Receipt → queue → worker. Each event is a `checkout.session.completed` whose
 * client_reference_id is a user made for the run (the shared accounts contract), so "applied"
 * means that user's billing map names the event's subscription. The receiver is whatever serves
 * the webhook route, the worker whatever function has an SQS event on StripeEventsQueue.
 */
export const THROUGHPUT: ThroughputSpec<ThroughputState> = {
  receiverRoute: 'POST /v1/webhooks/stripe',
  worker: 'consumer of StripeEventsQueue',
  events: 300,
  duplicateShare: 0.1,
  async setup(ctx, count) {
    const doc = emulatorDocumentClient(ctx.emulatorEndpoint);
    const users = [];
    for (let i = 0; i < count; i += 1) {
      const userId = `usr_bench${randomUUID().replace(/-/g, '').slice(0, 16)}`;
      const email = ctx.uniqueEmail('stripe');
      await doc.send(
        new PutCommand({
          TableName: ctx.env.ACCOUNTS_TABLE,
          Item: { pk: `USER#${userId}`, sk: 'PROFILE', userId, email, name: null, passwordHash: 'x', emailVerified: true, createdAt: new Date().toISOString() },
        }),
      );
      users.push({ userId, subscriptionId: `sub_${randomUUID().replace(/-/g, '').slice(0, 14)}` });
    }
    return { users };
  },
  makeEvent(_ctx, state, i) {
    const user = state.users[i];
    return stripeEvent('checkout.session.completed', {
      id: `cs_test_${randomUUID().replace(/-/g, '').slice(0, 20)}`,
      object: 'checkout.session',
      mode: 'subscription',
      status: 'complete',
      payment_status: 'paid',
      client_reference_id: user.userId,
      customer: `cus_${user.userId.slice(4, 18)}`,
      subscription: user.subscriptionId,
    });
  },
  async inspect(ctx, state) {
    const doc = emulatorDocumentClient(ctx.emulatorEndpoint);
    return Promise.all(
      state.users.map(async (user) => {
        const out = await doc.send(new GetCommand({ TableName: ctx.env.ACCOUNTS_TABLE, Key: { pk: `USER#${user.userId}`, sk: 'PROFILE' }, ConsistentRead: true }));
        const billing = out.Item?.billing as Record<string, unknown> | undefined;
        // The billing map (updatedAt included) is the fingerprint: re-applying rewrites updatedAt.
        return billing?.subscriptionId === user.subscriptionId ? JSON.stringify(billing) : undefined;
      }),
    );
  },
};
