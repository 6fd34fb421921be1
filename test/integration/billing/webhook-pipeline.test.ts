// Rotation is tested against the real secret: read it fresh on every request in this file.
process.env.SECRETS_CACHE_TTL_MS = '0';

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { ChangeMessageVisibilityBatchCommand, DeleteMessageBatchCommand, GetQueueUrlCommand, ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import type { BillingRepository } from '../../../lib/billing/apply';
import { dynamoBillingRepository } from '../../../lib/billing/dynamo-billing-repository';
import { dynamoEventClaims } from '../../../lib/billing/dynamo-event-claims';
import { processBillingBatch } from '../../../lib/billing/worker';
import { secretsManagerClient } from '../../../lib/platform/aws/secrets-manager';
import { sqsClient } from '../../../lib/platform/aws/sqs';
import { sesMailer } from '../../../lib/platform/mailer';
import { billingWebhookCases } from '../../cases/billing.cases';
import { buildScenario, rng } from '../../support/billing-scenario';
import { billingProbe } from '../../support/billing-probe';
import { viaHandler } from '../../support/http';
import { LOG_DIR } from '../../support/paths';
import { checkoutSessionObject, findCardData, invoiceObject, signedWebhook, stripeEvent, stripeResources } from '../../support/stripe';

const probe = billingProbe(process.env.HELPSHELF_TEST_EMULATOR!);
const realRepository = dynamoBillingRepository(process.env.BILLING_TABLE!, process.env.ACCOUNTS_TABLE!);
const workerDeps = { repository: realRepository, receipts: dynamoEventClaims(process.env.BILLING_TABLE!), mailer: sesMailer(), livemode: false, billingUrl: 'http://localhost:3000/account/billing' };

function toRecord(m: Message): SQSRecord {
  return {
    messageId: m.MessageId!,
    receiptHandle: m.ReceiptHandle!,
    body: m.Body!,
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'test', ApproximateFirstReceiveTimestamp: '0' },
    messageAttributes: {},
    md5OfBody: m.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:helpshelf-local-stripe-events',
    awsRegion: 'eu-west-1',
  };
}

/**
 * Delivers every queued message to the worker as the event source mapping does: batches of up to
 * ten, failed records made visible again (the visibility timeout, shortened), the others deleted.
 * `duplicateRate` re-delivers that share of records once more (SQS is at-least-once).
 */
async function drainQueue(repository: BillingRepository, options: { duplicateRate?: number; seed?: number; inspect?: (body: string) => void } = {}) {
  const random = rng(options.seed ?? 1);
  const { QueueUrl } = await sqsClient.send(new GetQueueUrlCommand({ QueueName: process.env.STRIPE_EVENTS_QUEUE! }));
  const redeliver: SQSRecord[] = [];
  let deliveries = 0;
  let empty = 0;
  while (empty < 2) {
    const out = await sqsClient.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    const messages = out.Messages ?? [];
    if (messages.length === 0) {
      empty++;
      continue;
    }
    empty = 0;
    for (const m of messages) options.inspect?.(m.Body!);
    const records = messages.map(toRecord);
    deliveries += records.length;
    const { batchItemFailures } = await processBillingBatch(records, { ...workerDeps, repository });
    const failed = new Set(batchItemFailures.map((f) => f.itemIdentifier));
    const done = messages.filter((m) => !failed.has(m.MessageId!));
    if (done.length) await sqsClient.send(new DeleteMessageBatchCommand({ QueueUrl, Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }));
    const back = messages.filter((m) => failed.has(m.MessageId!));
    if (back.length) await sqsClient.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl, Entries: back.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 0 })) }));
    for (const r of records) if (!failed.has(r.messageId) && random.next() < (options.duplicateRate ?? 0)) redeliver.push(r);
  }
  // The duplicates SQS may deliver, long after the originals.
  for (let i = 0; i < redeliver.length; i += 10) {
    const batch = redeliver.slice(i, i + 10);
    deliveries += batch.length;
    const { batchItemFailures } = await processBillingBatch(batch, { ...workerDeps, repository });
    expect(batchItemFailures).toEqual([]);
  }
  return { deliveries, duplicates: redeliver.length };
}

/** Stripe's side: a delivery that is not answered 2xx is retried (here at once, a few times). */
async function deliverLikeStripe(event: object, attempts: number[] = []): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const res = await viaHandler(signedWebhook(event));
    attempts.push(res.status);
    if (res.status === 200 || attempt === 5) return res.status;
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function inBatches<T>(items: T[], size: number, fn: (item: T) => Promise<void>) {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

describe('Stripe webhook → queue → worker, in-process against the emulator', () => {
  it.each(billingWebhookCases.map((c) => [c.name, c] as const))('%s', async (_name, testCase) => {
    await testCase.run(viaHandler, probe);
  });

  it('when the body arrives base64-encoded, it is decoded before the signature check and accepted', async () => {
    const event = stripeEvent('charge.refunded', { id: 'ch_2', object: 'charge' });
    const res = await viaHandler({ ...signedWebhook(event), isBase64Encoded: true });
    expect(res.status).toBe(200);
    expect(await probe.receiptOf(event.id)).toMatchObject({ status: 'completed' });
  });

  it('when the secret rotates, events signed with the previous secret are still accepted and the new one works', async () => {
    // Prepare
    const old = process.env.HELPSHELF_TEST_WEBHOOK_SECRET!;
    const rotated = `whsec_${randomUUID().replace(/-/g, '')}`;
    const put = (value: object) => secretsManagerClient.send(new PutSecretValueCommand({ SecretId: process.env.STRIPE_WEBHOOK_SECRET_ID!, SecretString: JSON.stringify(value) }));
    await put({ current: rotated, previous: old });
    try {
      const byOld = stripeEvent('charge.succeeded', { id: 'ch_3', object: 'charge' });
      const byNew = stripeEvent('charge.succeeded', { id: 'ch_4', object: 'charge' });
      // Act
      const [oldRes, newRes] = [await viaHandler(signedWebhook(byOld, { secret: old })), await viaHandler(signedWebhook(byNew, { secret: rotated }))];
      await put({ current: rotated, previous: '' });
      const afterRetirement = stripeEvent('charge.succeeded', { id: 'ch_5', object: 'charge' });
      const retiredRes = await viaHandler(signedWebhook(afterRetirement, { secret: old }));
      // Assess
      expect([oldRes.status, newRes.status, retiredRes.status]).toEqual([200, 200, 400]);
      expect(await probe.receiptOf(afterRetirement.id)).toBeUndefined();
    } finally {
      await put({ current: old, previous: '' });
    }
  });

  it('when every Stripe fixture resource arrives as a signed event, each gets 200 and no card field value reaches any table, queue message or log line', async () => {
    // Prepare
    const userId = `usr_${randomUUID().replace(/-/g, '')}`;
    await probe.createUser(userId, `${userId}@billing.test`);
    const customer = `cus_fx${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    const events = Object.entries(stripeResources).map(([name, object]) => stripeEvent(`${name}.updated`, structuredClone(object)));
    // The resources that carry card, bank and address data, also under every type the worker applies.
    for (const name of ['payment_method', 'card', 'bank_account', 'charge', 'source', 'customer', 'payment_intent', 'setup_intent', 'mandate', 'confirmation_token', 'issuing.card']) {
      const object = { ...structuredClone(stripeResources[name]), customer };
      for (const type of ['customer.subscription.updated', 'invoice.payment_failed', 'invoice.paid', 'customer.deleted']) events.push(stripeEvent(type, structuredClone(object)));
    }
    events.push(stripeEvent('checkout.session.completed', { ...checkoutSessionObject({ customer, userId }), customer_details: structuredClone(stripeResources.customer) }));
    events.push(stripeEvent('invoice.payment_failed', { ...invoiceObject({ customer, subscription: 'sub_fx', attempt: 1 }), payment_settings: structuredClone(stripeResources.payment_method) }));
    // Act
    const statuses: number[] = [];
    await inBatches(events, 8, async (event) => void statuses.push((await viaHandler(signedWebhook(event))).status));
    const leaksInQueue: string[] = [];
    await drainQueue(realRepository, { inspect: (body) => leaksInQueue.push(...findCardData(body)) });
    // Assess
    expect(statuses).toHaveLength(events.length);
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(leaksInQueue).toEqual([]);
    expect(findCardData(await probe.dumpAllTables())).toEqual([]);
    const logLeaks = readdirSync(LOG_DIR, { withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => entry.name).flatMap((file) => findCardData(readFileSync(path.join(LOG_DIR, file), 'utf8')).map((leak) => `${file}: ${leak}`));
    expect(logLeaks).toEqual([]);
    expect((await probe.user(userId))?.billing).toMatchObject({ customerId: customer });
  }, 120_000); // bounded, not timed: ~60 receipts and worker deliveries, slower on a busy machine

  it('when 200 events for 20 customers arrive shuffled, 20% twice, and 5% of worker writes fail once, the final state equals in-order application with each event applied once', async () => {
    // Prepare
    const seed = Number(process.env.BILLING_SCENARIO_SEED ?? Date.now() % 2 ** 31);
    const scenario = buildScenario({ customers: 20, eventsPerCustomer: 10, seed, prefix: `${randomUUID().slice(0, 8)}_` });
    await Promise.all(scenario.customers.map((c) => probe.createUser(c.userId, c.email)));
    const random = rng(seed);
    const deliveries = random.shuffle(scenario.events.flatMap((e) => (random.next() < 0.2 ? [e, e] : [e])));
    const failOnce = new Set(scenario.events.filter(() => random.next() < 0.05).map((e) => e.id));
    const injected = new Set<string>();
    const commits = new Map<string, number>();
    const repository: BillingRepository = {
      ...realRepository,
      commit: async (change) => {
        if (failOnce.has(change.eventId) && !injected.has(change.eventId)) {
          injected.add(change.eventId);
          throw Object.assign(new Error('injected write failure'), { name: 'InjectedWriteFailure' });
        }
        const outcome = await realRepository.commit(change);
        if (outcome === 'committed') commits.set(change.eventId, (commits.get(change.eventId) ?? 0) + 1);
        return outcome;
      },
    };
    // Act
    // Concurrent deliveries of one event are each queued and answered 200 at the first attempt;
    // the worker's applied marker keeps the second copy from applying twice.
    const statuses: number[] = [];
    const attempts: number[] = [];
    await inBatches(deliveries, 8, async (event) => void statuses.push(await deliverLikeStripe(event, attempts)));
    expect(attempts.filter((s) => s !== 200)).toEqual([]);
    const drained = await drainQueue(repository, { duplicateRate: 0.2, seed });
    // Assess
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(deliveries.length).toBeGreaterThan(200);
    expect(drained.duplicates).toBeGreaterThan(0);
    for (const customer of scenario.customers) {
      const want = scenario.expected.get(customer.customerId)!;
      const user = await probe.user(customer.userId);
      const got = user?.billing ? { ...user.billing, updatedAt: undefined } : undefined;
      const expected = want.linked ? { customerId: customer.customerId, subscriptionId: want.subscriptionId, status: want.status, plan: want.plan, periodEnd: want.periodEnd, updatedAt: undefined } : undefined;
      expect({ seed, customer: customer.customerId, billing: got }).toEqual({ seed, customer: customer.customerId, billing: expected });
    }
    expect([...commits.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    for (const id of commits.keys()) expect(await probe.appliedOf(id)).toBeDefined();
    // Every receipt was completed by the worker, so a replay now is answered without queueing.
    const receipts = await Promise.all(scenario.events.map((e) => probe.receiptOf(e.id)));
    expect(receipts.filter((r) => r?.status !== 'completed').map((r) => r?.eventId ?? 'missing')).toEqual([]);
    // Bounded, not timed: ~240 receipts and ~300 worker deliveries against one emulator take 10-50 s
    // depending on how busy the machine is (speed is measured by npm run bench).
  }, 120_000);

  it('when Stripe replays an event immediately after its 200, the replay is answered 200, the event is applied once, and after the worker a replay queues nothing', async () => {
    // Prepare
    const userId = `usr_${randomUUID().replace(/-/g, '')}`;
    await probe.createUser(userId, `${userId}@billing.test`);
    const customer = `cus_rp${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    const event = stripeEvent('checkout.session.completed', checkoutSessionObject({ customer, userId }));
    // Act: delivery, immediate replay (receipt still in progress), the worker, a late replay.
    const first = await viaHandler(signedWebhook(event));
    const replay = await viaHandler(signedWebhook(event));
    const commits: string[] = [];
    const counting: BillingRepository = { ...realRepository, commit: async (change) => { const out = await realRepository.commit(change); if (out === 'committed') commits.push(change.eventId); return out; } };
    const copies = (seen: string[]) => (body: string) => void (JSON.parse(body).eventId === event.id && seen.push(body));
    const queued: string[] = [];
    await drainQueue(counting, { inspect: copies(queued) });
    const late = await viaHandler(signedWebhook(event));
    const queuedAfterLate: string[] = [];
    await drainQueue(counting, { inspect: copies(queuedAfterLate) });
    // Assess
    expect([first.status, replay.status, late.status]).toEqual([200, 200, 200]);
    expect(queued).toHaveLength(2);
    expect(commits).toEqual([event.id]);
    expect(queuedAfterLate).toHaveLength(0);
    expect(await probe.receiptOf(event.id)).toMatchObject({ status: 'completed' });
    expect((await probe.user(userId))?.billing).toMatchObject({ customerId: customer });
  });
});
