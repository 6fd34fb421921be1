import fc from 'fast-check';
import { applyBillingEvent, type ApplyDeps, type BillingRepository } from '../../../lib/billing/apply';
import { toBillingMessage, readEnvelope, type BillingEventMessage } from '../../../lib/billing/events';
import { processBillingBatch } from '../../../lib/billing/worker';
import type { Mail } from '../../../lib/platform/mailer';
import { setClock } from '../../../lib/platform/time';
import { buildScenario, rng } from '../../support/billing-scenario';
import { memoryBillingRepository } from '../../support/memory-billing-repository';
import { checkoutSessionObject, invoiceObject, stripeEvent, subscriptionObject, type StripeEventEnvelope } from '../../support/stripe';
import type { SQSRecord } from 'aws-lambda';

const toMessage = (e: StripeEventEnvelope): BillingEventMessage => toBillingMessage(readEnvelope(e)!)!;

function setup(users: Array<{ userId: string; email: string }> = []) {
  const memory = memoryBillingRepository();
  for (const u of users) memory.users.set(u.userId, { email: u.email });
  const mail: Mail[] = [];
  const deps: ApplyDeps = { repository: memory.repository, mailer: { send: async (m) => void mail.push(m) }, livemode: false, billingUrl: 'https://helpshelf.test/account/billing' };
  return { memory, mail, deps };
}

function record(message: BillingEventMessage, messageId = message.eventId): SQSRecord {
  return { messageId, body: JSON.stringify(message) } as SQSRecord;
}

describe('applying Stripe events to billing state', () => {
  beforeAll(() => setClock('2026-11-24T06:00:00Z'));
  afterAll(() => setClock(undefined));

  it('when a checkout completes then the subscription updates, the user billing map shows customer, status, plan and period end', async () => {
    // Prepare
    const { memory, deps } = setup([{ userId: 'usr_1', email: 'a@billing.test' }]);
    const checkout = stripeEvent('checkout.session.completed', checkoutSessionObject({ customer: 'cus_1', userId: 'usr_1', subscription: 'sub_1' }), { created: 100 });
    const update = stripeEvent('customer.subscription.updated', subscriptionObject({ id: 'sub_1', customer: 'cus_1', status: 'active', price: 'price_pro', periodEnd: 2_000_000_000 }), { created: 101 });
    // Act
    const outcomes = [await applyBillingEvent(toMessage(checkout), deps), await applyBillingEvent(toMessage(update), deps)];
    // Assess
    expect(outcomes).toEqual(['applied', 'applied']);
    expect(memory.users.get('usr_1')!.billing).toEqual({
      customerId: 'cus_1',
      subscriptionId: 'sub_1',
      status: 'active',
      plan: 'price_pro',
      periodEnd: '2033-05-18T03:33:20.000Z',
      updatedAt: '2026-11-24T06:00:00.000Z',
    });
  });

  it('when an older update arrives after a newer one, it does not overwrite it', async () => {
    const { memory, deps } = setup([{ userId: 'usr_1', email: 'a@billing.test' }]);
    await applyBillingEvent(toMessage(stripeEvent('checkout.session.completed', checkoutSessionObject({ customer: 'cus_1', userId: 'usr_1' }), { created: 100 })), deps);
    const newer = stripeEvent('customer.subscription.updated', subscriptionObject({ id: 'sub_1', customer: 'cus_1', status: 'canceled', price: 'price_pro', periodEnd: 300 }), { created: 200 });
    const older = stripeEvent('customer.subscription.updated', subscriptionObject({ id: 'sub_1', customer: 'cus_1', status: 'active', price: 'price_basic', periodEnd: 300 }), { created: 150 });
    await applyBillingEvent(toMessage(newer), deps);
    // Act
    const outcome = await applyBillingEvent(toMessage(older), deps);
    // Assess
    expect(outcome).toBe('unchanged');
    expect(memory.users.get('usr_1')!.billing).toMatchObject({ status: 'canceled', plan: 'price_pro' });
  });

  it('when two updates share a second, the object\'s own fields (period end, then status) order them', async () => {
    const { memory, deps } = setup([{ userId: 'usr_1', email: 'a@billing.test' }]);
    await applyBillingEvent(toMessage(stripeEvent('checkout.session.completed', checkoutSessionObject({ customer: 'cus_1', userId: 'usr_1' }), { created: 100 })), deps);
    const renewed = stripeEvent('customer.subscription.updated', subscriptionObject({ id: 'sub_1', customer: 'cus_1', status: 'active', price: 'price_pro', periodEnd: 900 }), { created: 200 });
    const before = stripeEvent('customer.subscription.updated', subscriptionObject({ id: 'sub_1', customer: 'cus_1', status: 'past_due', price: 'price_pro', periodEnd: 600 }), { created: 200 });
    // Act
    await applyBillingEvent(toMessage(renewed), deps);
    await applyBillingEvent(toMessage(before), deps);
    // Assess
    expect(memory.users.get('usr_1')!.billing).toMatchObject({ status: 'active', periodEnd: new Date(900_000).toISOString() });
  });

  it('when a payment fails, the user gets one plain-text email even if the event is delivered twice', async () => {
    const { deps, mail } = setup([{ userId: 'usr_1', email: 'payer@billing.test' }]);
    await applyBillingEvent(toMessage(stripeEvent('checkout.session.completed', checkoutSessionObject({ customer: 'cus_1', userId: 'usr_1' }), { created: 100 })), deps);
    const failed = toMessage(stripeEvent('invoice.payment_failed', invoiceObject({ customer: 'cus_1', subscription: 'sub_1', attempt: 1 }), { created: 101 }));
    // Act
    const outcomes = [await applyBillingEvent(failed, deps), await applyBillingEvent(failed, deps)];
    // Assess
    expect(outcomes).toEqual(['applied', 'duplicate']);
    expect(mail).toHaveLength(1);
    expect(mail[0]).toMatchObject({ to: 'payer@billing.test', subject: 'Your HelpShelf payment failed' });
    expect(mail[0].text).toContain('https://helpshelf.test/account/billing');
  });

  it('when the mail could not be sent after the state was committed, the retry sends it (and only it)', async () => {
    const { deps, mail, memory } = setup([{ userId: 'usr_1', email: 'payer@billing.test' }]);
    await applyBillingEvent(toMessage(stripeEvent('checkout.session.completed', checkoutSessionObject({ customer: 'cus_1', userId: 'usr_1' }), { created: 100 })), deps);
    const failed = toMessage(stripeEvent('invoice.payment_failed', invoiceObject({ customer: 'cus_1', subscription: 'sub_1', attempt: 1 }), { created: 101 }));
    const flaky = { ...deps, mailer: { send: async () => Promise.reject(new Error('ses down')) } };
    await expect(applyBillingEvent(failed, flaky)).rejects.toThrow('ses down');
    const revAfterFirst = memory.customers.get('cus_1')!.rev;
    // Act
    const outcome = await applyBillingEvent(failed, deps);
    // Assess
    expect(outcome).toBe('duplicate');
    expect(mail).toHaveLength(1);
    expect(memory.customers.get('cus_1')!.rev).toBe(revAfterFirst);
  });

  it('when the customer is deleted, the user is unlinked', async () => {
    const { memory, deps } = setup([{ userId: 'usr_1', email: 'a@billing.test' }]);
    await applyBillingEvent(toMessage(stripeEvent('checkout.session.completed', checkoutSessionObject({ customer: 'cus_1', userId: 'usr_1' }), { created: 100 })), deps);
    // Act
    await applyBillingEvent(toMessage(stripeEvent('customer.deleted', { id: 'cus_1', object: 'customer', deleted: true }, { created: 101 })), deps);
    // Assess
    expect(memory.users.get('usr_1')!.billing).toBeUndefined();
    expect(memory.customers.get('cus_1')).toMatchObject({ userId: null, deleted: true });
  });

  it('when the event livemode does not match the stage, it is acknowledged and ignored', async () => {
    const { memory, deps } = setup([{ userId: 'usr_1', email: 'a@billing.test' }]);
    const live = stripeEvent('checkout.session.completed', checkoutSessionObject({ customer: 'cus_1', userId: 'usr_1' }), { livemode: true });
    expect(await applyBillingEvent(toMessage(live), deps)).toBe('ignored');
    expect(memory.customers.size).toBe(0);
  });

  it('when a batch has an unreadable record and a failing one, only those are reported', async () => {
    const { deps } = setup([{ userId: 'usr_1', email: 'a@billing.test' }]);
    const good = toMessage(stripeEvent('checkout.session.completed', checkoutSessionObject({ customer: 'cus_1', userId: 'usr_1' }), { created: 100 }));
    const bad = toMessage(stripeEvent('customer.subscription.updated', subscriptionObject({ id: 'sub_2', customer: 'cus_2', status: 'active', price: 'p', periodEnd: 1 }), { created: 100 }));
    const repository: BillingRepository = { ...deps.repository, loadCustomer: async (id) => (id === 'cus_2' ? Promise.reject(new Error('boom')) : deps.repository.loadCustomer(id)) };
    // Act
    const completed: string[] = [];
    const result = await processBillingBatch([record(good, 'm1'), { messageId: 'm2', body: '{not json' } as SQSRecord, record(bad, 'm3')], { ...deps, repository, receipts: { complete: async (id) => void completed.push(id) } });
    // Assess: only the applied event's receipt is marked completed.
    expect(result.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['m2', 'm3']);
    expect(completed).toEqual([good.eventId]);
  });

  it('when marking a receipt completed fails, the applied record still succeeds (a later replay is only queued again and found a duplicate)', async () => {
    const { memory, deps } = setup([{ userId: 'usr_1', email: 'a@billing.test' }]);
    const good = toMessage(stripeEvent('checkout.session.completed', checkoutSessionObject({ customer: 'cus_1', userId: 'usr_1' }), { created: 100 }));
    // Act
    const result = await processBillingBatch([record(good, 'm1')], { ...deps, receipts: { complete: async () => Promise.reject(Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' })) } });
    // Assess
    expect(result.batchItemFailures).toEqual([]);
    expect(memory.customers.get('cus_1')).toMatchObject({ userId: 'usr_1' });
  });

  it('for any delivery order with duplicates and one-off write failures, the final state equals in-order application, each event applied once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), async (seed) => {
        // Prepare
        const scenario = buildScenario({ customers: 3, eventsPerCustomer: 8, seed, prefix: `p${seed}_` });
        const { memory, deps } = setup(scenario.customers);
        const random = rng(seed ^ 0x5bd1e995);
        const deliveries = random.shuffle(scenario.events.flatMap((e) => (random.next() < 0.2 ? [e, e] : [e])));
        const failOnce = new Set(scenario.events.filter(() => random.next() < 0.1).map((e) => e.id));
        const commits = new Map<string, number>();
        const repository: BillingRepository = {
          ...memory.repository,
          commit: async (change) => {
            if (failOnce.delete(change.eventId)) throw new Error('injected write failure');
            const outcome = await memory.repository.commit(change);
            if (outcome === 'committed') commits.set(change.eventId, (commits.get(change.eventId) ?? 0) + 1);
            return outcome;
          },
        };
        // Act
        let queue = deliveries.map(toMessage);
        while (queue.length) {
          const retry: BillingEventMessage[] = [];
          for (const message of queue) await applyBillingEvent(message, { ...deps, repository }).catch(() => retry.push(message));
          queue = retry;
        }
        // Assess
        for (const customer of scenario.customers) {
          const want = scenario.expected.get(customer.customerId)!;
          const billing = memory.users.get(customer.userId)!.billing;
          if (!want.linked) expect(billing).toBeUndefined();
          else expect({ ...billing, updatedAt: undefined }).toEqual({ customerId: customer.customerId, subscriptionId: want.subscriptionId, status: want.status, plan: want.plan, periodEnd: want.periodEnd, updatedAt: undefined });
        }
        expect([...commits.values()].every((n) => n === 1)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});
