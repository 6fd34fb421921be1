import { checkoutSessionObject, eventId, invoiceObject, stripeEvent, subscriptionObject, type StripeEventEnvelope } from './stripe';

/**
 * A realistic run of Stripe events for many customers, and what in-order application must give.
 * Each customer's events have strictly increasing `created`, so "in order" is well defined; the
 * expected state is computed here independently of the production merge rule: the last event of
 * each kind wins.
 */
export interface ScenarioCustomer {
  customerId: string;
  userId: string;
  email: string;
}

export interface ExpectedBilling {
  linked: boolean;
  subscriptionId: string | null;
  status: string | null;
  plan: string | null;
  periodEnd: string | null;
}

export interface Scenario {
  customers: ScenarioCustomer[];
  events: StripeEventEnvelope[];
  expected: Map<string, ExpectedBilling>;
}

/** A small seeded generator, so a failing run can be replayed from its seed. */
export function rng(seed: number) {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x1_0000_0000;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)],
    shuffle: <T>(items: T[]) => {
      const out = [...items];
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [out[i], out[j]] = [out[j], out[i]];
      }
      return out;
    },
  };
}

const SUB_TYPES = ['customer.subscription.created', 'customer.subscription.updated', 'customer.subscription.updated', 'customer.subscription.paused', 'customer.subscription.resumed', 'customer.subscription.deleted'] as const;
const STATUSES = ['trialing', 'active', 'past_due', 'unpaid', 'incomplete'] as const;
const PRICES = ['price_basic', 'price_pro', 'price_team'] as const;

export function buildScenario(options: { customers: number; eventsPerCustomer: number; seed: number; prefix: string; startAt?: number }): Scenario {
  const random = rng(options.seed);
  const customers: ScenarioCustomer[] = [];
  const events: StripeEventEnvelope[] = [];
  const expected = new Map<string, ExpectedBilling>();
  const base = options.startAt ?? Math.floor(Date.now() / 1000) - 86_400;
  for (let c = 0; c < options.customers; c++) {
    const customer: ScenarioCustomer = { customerId: `cus_${options.prefix}${c}`, userId: `usr_${options.prefix}${c}`, email: `${options.prefix}${c}@billing.test` };
    customers.push(customer);
    const subscriptionId = `sub_${options.prefix}${c}`;
    const state: ExpectedBilling = { linked: false, subscriptionId: null, status: null, plan: null, periodEnd: null };
    let created = base + random.int(1000);
    let period = created + 30 * 86_400;
    for (let i = 0; i < options.eventsPerCustomer; i++) {
      created += 1 + random.int(60);
      let event: StripeEventEnvelope;
      if (i === 0) {
        event = stripeEvent('checkout.session.completed', checkoutSessionObject({ customer: customer.customerId, userId: customer.userId, subscription: subscriptionId }), { created, id: eventId() });
        state.linked = true;
        state.subscriptionId ??= subscriptionId;
      } else if (i === options.eventsPerCustomer - 1 && random.next() < 0.15) {
        event = stripeEvent('customer.deleted', { id: customer.customerId, object: 'customer', deleted: true }, { created, id: eventId() });
        state.linked = false;
      } else if (random.next() < 0.3) {
        const paid = random.next() < 0.5;
        event = stripeEvent(paid ? 'invoice.paid' : 'invoice.payment_failed', invoiceObject({ customer: customer.customerId, subscription: subscriptionId, attempt: 1 + random.int(3) }), { created, id: eventId() });
        state.status = paid ? 'active' : 'past_due';
      } else {
        const type = random.pick(SUB_TYPES);
        const status = type === 'customer.subscription.deleted' ? 'canceled' : type === 'customer.subscription.paused' ? 'paused' : type === 'customer.subscription.resumed' ? 'active' : random.pick(STATUSES);
        if (random.next() < 0.3) period += 30 * 86_400;
        const plan = random.pick(PRICES);
        event = stripeEvent(type, subscriptionObject({ id: subscriptionId, customer: customer.customerId, status, price: plan, periodEnd: period }), { created, id: eventId() });
        state.subscriptionId = subscriptionId;
        state.status = status;
        state.plan = plan;
        state.periodEnd = new Date(period * 1000).toISOString();
      }
      events.push(event);
    }
    expected.set(customer.customerId, state);
  }
  return { customers, events, expected };
}
