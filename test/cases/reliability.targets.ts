import { randomUUID } from 'node:crypto';
import { signUpAndLogIn, stripeEvent, stripeSignature, type Account } from '../../scripts/bench/scenarios';
import type { BenchContext } from '../../scripts/bench/types';
import type { TestRequest, TestResponse } from '../support/http';
import { emulatorDocumentClient } from '../../scripts/lib/emulator-clients';

/**
 * THE RELIABILITY SUITE'S DATA. Each list below is a table the suite runs; an entry whose
 * `requires` (routes such as `GET /v1/me`, or function keys for ops functions) serverless.yml
 * does not serve — or, for the load mix, whose route routes.json lacks — is skipped and shows as
 * skipped, so the entries for API.md routes light up as the capabilities merge. To add one:
 * append an entry to the right list.
 *
 * - FAULT_TARGETS      → test/integration/reliability/faults.test.ts (emulator stopped mid-run)
 * - SECRET_TARGETS     → test/integration/reliability/secrets-fault.test.ts (Secrets Manager down at cold start)
 * - RACES              → test/integration/reliability/races.test.ts (50 concurrent writers, one winner)
 * - LOAD_MIX           → test/e2e/reliability-load.test.ts (200 concurrent requests over HTTP)
 *
 * Flows such as "sign up and log in" are shared with the bench (scripts/bench/scenarios.ts).
 * Ops function keys not merged yet are the expected names; fix them if a branch chose others.
 */

/** What entries get: the bench's context (send, mailTo, uniqueEmail, nextIp, env…) plus the primitives' helpers. */
export interface ReliabilityContext extends BenchContext {
  /** Runs `fn` inside the real public HTTP middleware stack (httpHandler) and answers 200 when it resolves. */
  throughMiddleware(fn: () => Promise<unknown>): Promise<TestResponse>;
  /** The platform modules, loaded in the test's module registry (after its endpoint is set). */
  lib: {
    consumeRateLimit: typeof import('../../lib/platform/rate-limit').consumeRateLimit;
    audit: typeof import('../../lib/audit').audit;
    auditStore: typeof import('../../lib/audit').auditStore;
    secrets: typeof import('../../lib/platform/secrets').secrets;
    invokeOps: typeof import('../support/ops').invokeOps;
  };
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const IDENTITY = ['POST /v1/signup', 'POST /v1/signup/verify', 'POST /v1/sessions'];

// ------------------------------------------------------------------ emulator stopped mid-run

export interface Outcome {
  status: number;
  headers: Record<string, string>;
}

/**
 * A request that touches DynamoDB. While the emulator is down it must answer 503 with
 * Retry-After promptly; once the emulator is back (re-provisioned: moto forgets everything on
 * restart, so `prepare` runs again) the same `act` must succeed (< 400).
 */
export interface FaultTarget<State = unknown> {
  name: string;
  requires: string[];
  prepare?: (ctx: ReliabilityContext) => Promise<State>;
  act: (ctx: ReliabilityContext, state: State) => Promise<Outcome>;
  /** Ops invocations answer {ok:false, error:{status}}, without HTTP headers. */
  noHeaders?: boolean;
}

const opsOutcome = async (promise: Promise<{ ok: boolean; error?: { status: number } }>): Promise<Outcome> => {
  const outcome = await promise;
  return { status: outcome.ok ? 200 : outcome.error!.status, headers: {} };
};

export const FAULT_TARGETS: FaultTarget<any>[] = [ // eslint-disable-line @typescript-eslint/no-explicit-any
  {
    name: 'the rate limiter (one UpdateItem) behind the HTTP middleware',
    requires: [],
    act: (ctx) => ctx.throughMiddleware(() => ctx.lib.consumeRateLimit(ctx.env.RATE_LIMITS_TABLE, { scope: 'faults', limit: 1000, windowSeconds: 60 }, randomUUID())),
  },
  {
    name: 'an audit append (ops path: Query + conditional Put) behind the HTTP middleware',
    requires: [],
    act: (ctx) => ctx.throughMiddleware(() => ctx.lib.audit({ actor: 'local:faults-test', action: 'faults.probe', subject: randomUUID() })),
  },
  // After merge:
  {
    name: 'GET /v1/me',
    requires: [...IDENTITY, 'GET /v1/me'],
    prepare: (ctx) => signUpAndLogIn(ctx),
    act: (ctx, account: Account) => ctx.send({ method: 'GET', path: '/v1/me', headers: bearer(account.token) }),
  },
  {
    name: 'POST /v1/signup',
    requires: ['POST /v1/signup'],
    act: (ctx) => ctx.send({ method: 'POST', path: '/v1/signup', body: { email: ctx.uniqueEmail('fault'), password: `Fault-${randomUUID()}` }, sourceIp: ctx.nextIp() }),
  },
  {
    name: 'ops: audit list',
    requires: ['opsAudit'],
    noHeaders: true,
    act: (ctx) => opsOutcome(ctx.lib.invokeOps('opsAudit', 'list', {})),
  },
];

// ------------------------------------------------------------------ Secrets Manager down at cold start

/**
 * Loaded cold (fresh modules) while Secrets Manager fails: 503 with Retry-After; then, in the
 * same warm instance once it recovers, success — a failed read is never cached.
 */
export interface SecretTarget {
  name: string;
  requires: string[];
  /** Builds the request (for a route) or runs the primitive; `fresh` has the cold modules. */
  act: (ctx: ReliabilityContext, invoke: (request: TestRequest) => Promise<TestResponse>) => Promise<Outcome>;
}

export const SECRET_TARGETS: SecretTarget[] = [
  {
    name: 'a handler reading the password pepper through lib/platform/secrets.ts',
    requires: [],
    act: (ctx) => ctx.throughMiddleware(() => ctx.lib.secrets.getString(ctx.env.PASSWORD_PEPPER_SECRET_ID)),
  },
  // After merge:
  {
    name: 'POST /v1/webhooks/stripe (webhook signing secret)',
    requires: ['POST /v1/webhooks/stripe'],
    act: (ctx, invoke) => {
      const event = stripeEvent('customer.subscription.updated', { id: `sub_${randomUUID().slice(0, 12)}`, object: 'subscription', status: 'active' });
      return invoke({ method: 'POST', path: '/v1/webhooks/stripe', headers: { 'Content-Type': 'application/json', 'Stripe-Signature': stripeSignature(ctx.webhookSecret, event.payload) }, body: event.payload });
    },
  },
  {
    name: 'POST /v1/signup (password pepper)',
    requires: ['POST /v1/signup'],
    act: (ctx, invoke) => invoke({ method: 'POST', path: '/v1/signup', body: { email: ctx.uniqueEmail('secrets'), password: `Secrets-${randomUUID()}` }, sourceIp: ctx.nextIp() }),
  },
];

// ------------------------------------------------------------------ conditional races

/**
 * 50 concurrent contenders for one unique thing; `check` asserts exactly one winner (and, where
 * it applies, that nothing was written twice) from the settled outcomes and the stored data.
 */
export interface RaceEntry<State = unknown> {
  name: string;
  requires: string[];
  prepare?: (ctx: ReliabilityContext) => Promise<State>;
  contender: (ctx: ReliabilityContext, state: State, i: number) => Promise<unknown>;
  check: (ctx: ReliabilityContext, state: State, outcomes: PromiseSettledResult<unknown>[]) => Promise<void>;
}

const values = <T>(outcomes: PromiseSettledResult<unknown>[]) => outcomes.filter((o): o is PromiseFulfilledResult<T> => o.status === 'fulfilled').map((o) => o.value);

export const RACES: RaceEntry<any>[] = [ // eslint-disable-line @typescript-eslint/no-explicit-any
  {
    name: 'the rate limiter with a limit of 1',
    requires: [],
    prepare: async () => ({ key: randomUUID() }),
    contender: (ctx, state: { key: string }) => ctx.lib.consumeRateLimit(ctx.env.RATE_LIMITS_TABLE, { scope: 'race', limit: 1, windowSeconds: 3600 }, state.key),
    check: async (_ctx, _state, outcomes) => {
      const results = values<{ allowed: boolean; count: number }>(outcomes);
      expect(results).toHaveLength(50);
      expect(results.filter((r) => r.allowed)).toHaveLength(1);
      expect(new Set(results.map((r) => r.count)).size).toBe(50); // every increment counted once
    },
  },
  {
    name: 'audit appends: each sequence number is won by exactly one writer',
    requires: [],
    prepare: async () => ({ run: randomUUID() }),
    contender: (ctx, state: { run: string }, i) => ctx.lib.audit({ actor: 'local:race-test', action: 'race.append', subject: `${state.run}#${i}` }),
    check: async (ctx, state: { run: string }, outcomes) => {
      const written = values<{ seq: number; subject: string }>(outcomes);
      const stored: Array<{ seq: number; subject: string }> = [];
      for await (const entry of ctx.lib.auditStore().all()) if (entry.subject.startsWith(`${state.run}#`)) stored.push(entry);
      // No sequence number is held by two entries, and every append that reported success is stored exactly once.
      const seqs = stored.map((e) => e.seq);
      expect(new Set(seqs).size).toBe(seqs.length);
      expect(stored.map((e) => e.subject).sort()).toEqual(written.map((e) => e.subject).sort());
      // Writers that lost every attempt fail loudly (AuditWriteError), never silently.
      for (const o of outcomes) if (o.status === 'rejected') expect((o.reason as Error).name).toBe('AuditWriteError');
    },
  },
  // After merge:
  {
    name: 'signup: 50 sign-ups of one email create one account',
    requires: ['POST /v1/signup'],
    prepare: async (ctx) => ({ email: ctx.uniqueEmail('race') }),
    contender: (ctx, state: { email: string }, i) => ctx.send({ method: 'POST', path: '/v1/signup', body: { email: state.email, password: `Race-${randomUUID()}-${i}` }, sourceIp: ctx.nextIp() }),
    check: async (ctx, state: { email: string }, outcomes) => {
      expect(values<TestResponse>(outcomes).filter((r) => r.status !== 202).map((r) => [r.status, r.json])).toEqual([]);
      const { ScanCommand } = await import('@aws-sdk/lib-dynamodb');
      const doc = emulatorDocumentClient(ctx.emulatorEndpoint);
      const users = await doc.send(new ScanCommand({ TableName: ctx.env.ACCOUNTS_TABLE, FilterExpression: 'email = :e AND sk = :p', ExpressionAttributeValues: { ':e': state.email, ':p': 'PROFILE' } }));
      expect(users.Items).toHaveLength(1);
    },
  },
  {
    name: 'Stripe event ids: one event delivered 50 times at once is accepted every time with one receipt',
    requires: ['POST /v1/webhooks/stripe'],
    prepare: async () => ({ event: stripeEvent('customer.subscription.updated', { id: `sub_${randomUUID().slice(0, 12)}`, object: 'subscription', status: 'active' }) }),
    contender: (ctx, state: { event: { payload: string } }) =>
      ctx.send({ method: 'POST', path: '/v1/webhooks/stripe', headers: { 'Content-Type': 'application/json', 'Stripe-Signature': stripeSignature(ctx.webhookSecret, state.event.payload) }, body: state.event.payload }),
    check: async (ctx, state: { event: { id: string; payload: string } }, outcomes) => {
      // Every delivery that finds the event not yet completed by the worker queues it and is
      // answered 200 (it cannot know whether another delivery's hand-off will succeed); the
      // worker's applied marker applies it once (test/integration/billing/webhook-pipeline.test.ts).
      const responses = values<TestResponse>(outcomes);
      expect(responses.filter((r) => r.status !== 200).map((r) => [r.status, r.json])).toEqual([]);
      const retry = await ctx.send({ method: 'POST', path: '/v1/webhooks/stripe', headers: { 'Content-Type': 'application/json', 'Stripe-Signature': stripeSignature(ctx.webhookSecret, state.event.payload) }, body: state.event.payload });
      expect([retry.status, retry.json]).toEqual([200, { received: true }]);
      // The receipt's idempotency record (EVENT#<id> / RECEIPT): exactly one item names the event.
      const { ScanCommand } = await import('@aws-sdk/lib-dynamodb');
      const doc = emulatorDocumentClient(ctx.emulatorEndpoint);
      const items = await doc.send(new ScanCommand({ TableName: ctx.env.BILLING_TABLE, FilterExpression: 'contains(pk, :id)', ExpressionAttributeValues: { ':id': state.event.id } }));
      expect(items.Items).toHaveLength(1);
    },
  },
  {
    name: 'token revocation: 50 concurrent revocations of one token have one winner and the token is dead',
    requires: [...IDENTITY, 'POST /v1/tokens', 'DELETE /v1/tokens/{id}', 'GET /v1/me'],
    prepare: async (ctx) => {
      const account = await signUpAndLogIn(ctx);
      const created = await ctx.send({ method: 'POST', path: '/v1/tokens', headers: bearer(account.token), body: { name: 'race' } });
      return { account, tokenId: created.json.id as string, token: created.json.token as string };
    },
    contender: (ctx, state: { account: Account; tokenId: string }) => ctx.send({ method: 'DELETE', path: `/v1/tokens/${state.tokenId}`, headers: bearer(state.account.token) }),
    check: async (ctx, state: { token: string }, outcomes) => {
      const statuses = values<TestResponse>(outcomes).map((r) => r.status);
      expect(statuses.filter((s) => s === 204).length).toBeGreaterThanOrEqual(1);
      expect(statuses.every((s) => s === 204 || s === 404)).toBe(true);
      expect((await ctx.send({ method: 'GET', path: '/v1/me', headers: bearer(state.token) })).status).toBe(401);
    },
  },
];

// ------------------------------------------------------------------ load held (e2e)

/**
 * The mix of the 200 concurrent requests. Every route in routes.json is in the mix: those
 * without an entry here get a plain request of their method (any answer but a 5xx is fine).
 * A write entry has `lost`, which returns how many of its accepted writes cannot be found
 * afterwards (must be 0).
 */
export interface LoadEntry<State = unknown> {
  /** `METHOD /path/template` as in routes.json; the entry is skipped while the route is absent. */
  route: string;
  weight: number;
  prepare?: (ctx: BenchContext) => Promise<State>;
  request: (ctx: BenchContext, state: State, i: number) => TestRequest;
  expect: number[];
  lost?: (ctx: BenchContext, state: State, sent: Array<{ request: TestRequest; response: TestResponse }>) => Promise<number>;
}

export const LOAD_MIX: LoadEntry<any>[] = [ // eslint-disable-line @typescript-eslint/no-explicit-any
  { route: 'GET /v1/health', weight: 4, request: () => ({ method: 'GET', path: '/v1/health' }), expect: [200] },
  { route: 'GET /.well-known/security.txt', weight: 2, request: () => ({ method: 'GET', path: '/.well-known/security.txt' }), expect: [200] },
  // After merge:
  {
    route: 'POST /v1/signup',
    weight: 2,
    request: (ctx) => ({ method: 'POST', path: '/v1/signup', body: { email: ctx.uniqueEmail('load'), password: `Load-${randomUUID()}` }, sourceIp: ctx.nextIp() }),
    expect: [202],
    // Every accepted sign-up sent its verification mail.
    lost: async (ctx, _state, sent) => {
      let lost = 0;
      for (const { request, response } of sent) {
        if (response.status !== 202) continue;
        const email = (request.body as { email: string }).email;
        if ((await ctx.mailTo(email)).length === 0) lost += 1;
      }
      return lost;
    },
  },
  {
    route: 'POST /v1/incidents',
    weight: 2,
    request: (ctx) => ({ method: 'POST', path: '/v1/incidents', body: { email: ctx.uniqueEmail('load'), summary: 'Load test report', details: 'Sent by the load test.', scope: 'security' }, sourceIp: ctx.nextIp() }),
    expect: [202],
    // Every accepted report can be read back with its tracking token.
    lost: async (ctx, _state, sent) => {
      let lost = 0;
      for (const { response } of sent) {
        if (response.status !== 202) continue;
        const back = await ctx.send({ method: 'GET', path: `/v1/incidents/${response.json.id}`, headers: { 'X-Tracking-Token': response.json.trackingToken } });
        if (back.status !== 200) lost += 1;
      }
      return lost;
    },
  },
  {
    route: 'GET /v1/me',
    weight: 2,
    prepare: (ctx) => signUpAndLogIn(ctx),
    request: (_ctx, account: Account) => ({ method: 'GET', path: '/v1/me', headers: bearer(account.token) }),
    expect: [200],
  },
  { route: 'GET /v1/security/advisories', weight: 1, request: () => ({ method: 'GET', path: '/v1/security/advisories' }), expect: [200] },
  // The no-JavaScript pages post forms, as a browser does.
  {
    route: 'POST /security/report',
    weight: 1,
    request: (ctx) => ({
      method: 'POST',
      path: '/security/report',
      body: new URLSearchParams({ email: ctx.uniqueEmail('loadform'), summary: 'Load test report (form)', details: 'Sent by the load test through the form.', scope: 'security', website: '' }).toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      sourceIp: ctx.nextIp(),
    }),
    expect: [200],
  },
  {
    route: 'POST /security/report/status',
    weight: 1,
    request: (ctx) => ({
      method: 'POST',
      path: '/security/report/status',
      body: new URLSearchParams({ id: 'inc_load_test', trackingToken: 'not-a-tracking-token' }).toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      sourceIp: ctx.nextIp(),
    }),
    expect: [400, 404],
  },
];
