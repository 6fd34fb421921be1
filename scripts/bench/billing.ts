/**
 * Rough numbers for the Stripe webhook path against a running local stage (`npm start`):
 *   receipt latency — signed events POSTed one at a time and 10 at a time, client-side timing;
 *   worker throughput — events queued, then the time until the poller + worker applied them all.
 * Usage: STRIPE_WEBHOOK_SECRET=whsec_… npx tsx scripts/bench/billing.ts [events]
 * (reads the stage's URLs from .local-stage.json; the secret must be the one the stage started with).
 */
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import Stripe from 'stripe';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_STATE_FILE, type LocalStageState } from '../lib/local-stage';
import { emulatorDocumentClient } from '../lib/emulator-clients';

const state = JSON.parse(readFileSync(process.env.HELPSHELF_LOCAL_STATE_FILE ?? DEFAULT_STATE_FILE, 'utf8')) as LocalStageState;
const secret = process.env.STRIPE_WEBHOOK_SECRET!;
const count = Number(process.argv[2] ?? 200);
const ddb = emulatorDocumentClient(state.emulatorEndpoint);
const accounts = `${state.service}-local-accounts`;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const failures: number[] = [];
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);

async function post(event: object): Promise<number> {
  const payload = JSON.stringify(event);
  const started = performance.now();
  const res = await fetch(`${state.baseUrl}/v1/webhooks/stripe`, {
    method: 'POST',
    body: payload,
    headers: { 'content-type': 'application/json', 'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload, secret }) },
  });
  await res.text();
  if (res.status !== 200) failures.push(res.status);
  return performance.now() - started;
}

function subscriptionEvent(customer: string, userId: string, created: number) {
  return {
    id: `evt_bench_${randomUUID().replace(/-/g, '')}`,
    object: 'event',
    type: 'checkout.session.completed',
    created,
    livemode: false,
    data: { object: { id: `cs_${randomUUID().replace(/-/g, '')}`, object: 'checkout.session', customer, client_reference_id: userId, subscription: `sub_${customer}` } },
  };
}

async function main() {
  const now = Math.floor(Date.now() / 1000);
  const users = Array.from({ length: count }, (_, i) => ({ userId: `usr_bench_${randomUUID().slice(0, 8)}_${i}`, customer: `cus_bench_${randomUUID().slice(0, 8)}_${i}` }));
  for (const u of users) await ddb.send(new PutCommand({ TableName: accounts, Item: { pk: `USER#${u.userId}`, sk: 'PROFILE', userId: u.userId, email: `${u.userId}@bench.test` } }));
  await post({ id: `evt_warm_${randomUUID().slice(0, 8)}`, object: 'event', type: 'ping', created: now, livemode: false, data: { object: {} } });

  // Sequential receipt latency (handled events: claim + SendMessage).
  const half = Math.floor(count / 2);
  const sequential: number[] = [];
  const started = performance.now();
  for (const u of users.slice(0, half)) sequential.push(await post(subscriptionEvent(u.customer, u.userId, now)));
  // CONCURRENCY concurrent senders.
  const concurrent: number[] = [];
  const rest = users.slice(half);
  await Promise.all(Array.from({ length: CONCURRENCY }, async (_, w) => {
    for (let i = w; i < rest.length; i += CONCURRENCY) concurrent.push(await post(subscriptionEvent(rest[i].customer, rest[i].userId, now)));
  }));
  const sentAt = performance.now();

  // Worker throughput: until every user item carries its billing map.
  if (failures.length) console.log(`non-200 answers: ${failures.join(', ')} (those events are not waited for)`);
  const pending = new Set(users.map((u) => u.userId));
  const deadline = performance.now() + 120_000;
  while (pending.size && performance.now() < deadline) {
    for (const userId of [...pending]) {
      const out = await ddb.send(new GetCommand({ TableName: accounts, Key: { pk: `USER#${userId}`, sk: 'PROFILE' }, ProjectionExpression: 'billing.customerId' }));
      if (out.Item?.billing) pending.delete(userId);
    }
    if (pending.size) await new Promise((r) => setTimeout(r, 200));
  }
  const appliedAt = performance.now();
  if (pending.size) console.log(`${pending.size} events not applied within 120 s`);
  const fmt = (v: number[]) => `p50 ${percentile(v, 50).toFixed(1)} ms, p95 ${percentile(v, 95).toFixed(1)} ms, p99 ${percentile(v, 99).toFixed(1)} ms, max ${Math.max(...v).toFixed(1)} ms`;
  console.log(`receipt latency, sequential (${sequential.length}): ${fmt(sequential)}`);
  console.log(`receipt latency, ${CONCURRENCY} concurrent (${concurrent.length}): ${fmt(concurrent)}`);
  console.log(`all ${count} events received in ${((sentAt - started) / 1000).toFixed(1)} s; all applied ${((appliedAt - started) / 1000).toFixed(1)} s after the first was sent`);
  console.log(`end-to-end throughput (receipt → queue → poller → worker → user item): ${(count / ((appliedAt - started) / 1000)).toFixed(1)} events/s`);
  await workerInProcess(now);
}

/** The worker's own throughput, without serverless-offline or the poller: batches of 10 applied in-process against the emulator. */
async function workerInProcess(now: number) {
  Object.assign(process.env, { AWS_ENDPOINT_URL: state.emulatorEndpoint, AWS_REGION: state.region, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' });
  const { dynamoBillingRepository } = await import('../../lib/billing/dynamo-billing-repository');
  const { processBillingBatch } = await import('../../lib/billing/worker');
  const { dynamoEventClaims } = await import('../../lib/billing/dynamo-event-claims');
  const { readEnvelope, toBillingMessage } = await import('../../lib/billing/events');
  const repository = dynamoBillingRepository(`${state.service}-local-billing`, accounts);
  const deps = { repository, receipts: dynamoEventClaims(`${state.service}-local-billing`), mailer: { send: async () => undefined }, livemode: false, billingUrl: 'http://localhost/billing' };
  const users = Array.from({ length: count }, (_, i) => ({ userId: `usr_benchw_${randomUUID().slice(0, 8)}_${i}`, customer: `cus_benchw_${randomUUID().slice(0, 8)}_${i}` }));
  for (const u of users) await ddb.send(new PutCommand({ TableName: accounts, Item: { pk: `USER#${u.userId}`, sk: 'PROFILE', userId: u.userId, email: `${u.userId}@bench.test` } }));
  const records = users.map((u, i) => ({ messageId: String(i), body: JSON.stringify(toBillingMessage(readEnvelope(subscriptionEvent(u.customer, u.userId, now))!)) }));
  const started = performance.now();
  let failed = 0;
  for (let i = 0; i < records.length; i += 10) {
    const out = await processBillingBatch(records.slice(i, i + 10) as never, deps);
    failed += out.batchItemFailures.length;
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(`worker in-process: ${records.length} events in ${seconds.toFixed(1)} s = ${(records.length / seconds).toFixed(1)} events/s (batches of 10, one invocation at a time; ${failed} failed)`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
