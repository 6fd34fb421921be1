import { billingView, emptyState, mergeEvent, version, type CustomerState } from '../../../lib/billing/customer-state';
import type { BillingEventMessage, HandledType, ObjectProjection } from '../../../lib/billing/events';

const CUS = 'cus_T1';
const T = 1_700_000_000;

function message(type: HandledType, created: number, object: ObjectProjection): BillingEventMessage {
  return { v: 1, eventId: `evt_${type}_${created}`, type, created, livemode: false, object };
}
const checkout = (created: number, userId: string | null, subscriptionId: string | null = null) =>
  message('checkout.session.completed', created, { kind: 'checkout_session', sessionId: 'cs_1', customerId: CUS, subscriptionId, userId });
const subscription = (created: number, status: string | null, type: HandledType = 'customer.subscription.updated', periodEnd: number | null = T + 86_400) =>
  message(type, created, { kind: 'subscription', subscriptionId: 'sub_1', customerId: CUS, status, plan: 'price_pro', periodEnd });
const invoice = (created: number, paid: boolean, attemptCount = 1) =>
  message(paid ? 'invoice.paid' : 'invoice.payment_failed', created, { kind: 'invoice', invoiceId: 'in_1', customerId: CUS, subscriptionId: 'sub_1', attemptCount });
const customerDeleted = (created: number) => message('customer.deleted', created, { kind: 'customer', customerId: CUS });

function apply(state: CustomerState, ...messages: BillingEventMessage[]): CustomerState {
  return messages.reduce((s, m) => mergeEvent(s, m).next, state);
}

describe('customer billing state', () => {
  it('versions are fixed-width strings that sort like their numbers', () => {
    expect(version(T, 2, T + 3600, 4)).toBe('001700000000:2:001700003600:0004');
    expect(version(5, 1)).toBe('000000000005:1:000000000000:0000');
    expect(version(-5, 1, 3.9, -1)).toBe('000000000000:1:000000000003:0000');
    expect(version(9, 1) < version(10, 1)).toBe(true);
  });

  it('starts empty and unlinked', () => {
    expect(emptyState(CUS)).toEqual({
      customerId: CUS, userId: null, linkVersion: null, deleted: false, subscriptionId: null, plan: null,
      periodEnd: null, subscriptionVersion: null, status: null, statusVersion: null, rev: 0,
    });
  });

  it('a checkout links the user and names the subscription', () => {
    const result = mergeEvent(emptyState(CUS), checkout(T, 'usr_a', 'sub_1'));
    expect(result).toEqual({
      next: { ...emptyState(CUS), userId: 'usr_a', linkVersion: version(T, 1), subscriptionId: 'sub_1' },
      changed: true, linkChanged: true, statusChanged: false,
    });
  });

  it('the same event applied twice changes nothing the second time', () => {
    const once = apply(emptyState(CUS), checkout(T, 'usr_a'));
    expect(mergeEvent(once, checkout(T, 'usr_a'))).toEqual({ next: once, changed: false, linkChanged: false, statusChanged: false });
    const sub = apply(emptyState(CUS), subscription(T, 'active'));
    expect(mergeEvent(sub, subscription(T, 'active'))).toEqual({ next: sub, changed: false, linkChanged: false, statusChanged: false });
  });

  it('a newer checkout for the same user moves the version but is not a link change', () => {
    const once = apply(emptyState(CUS), checkout(T, 'usr_a'));
    const result = mergeEvent(once, checkout(T + 1, 'usr_a'));
    expect(result.next.linkVersion).toBe(version(T + 1, 1));
    expect([result.changed, result.linkChanged]).toEqual([true, false]);
  });

  it('a newer checkout for another user takes the customer over (a link change)', () => {
    const once = apply(emptyState(CUS), checkout(T, 'usr_a'));
    const result = mergeEvent(once, checkout(T + 1, 'usr_b'));
    expect(result.next.userId).toBe('usr_b');
    expect(result.linkChanged).toBe(true);
  });

  it('an older checkout for another user does not take over a newer link', () => {
    const linked = apply(emptyState(CUS), checkout(T + 10, 'usr_a'));
    expect(mergeEvent(linked, checkout(T, 'usr_b'))).toEqual({ next: linked, changed: false, linkChanged: false, statusChanged: false });
  });

  it('a checkout without a user links nobody', () => {
    expect(mergeEvent(emptyState(CUS), checkout(T, null))).toEqual({ next: emptyState(CUS), changed: false, linkChanged: false, statusChanged: false });
  });

  it('a checkout fills the subscription id only while no subscription event has set one', () => {
    const fromSubscription = apply(emptyState(CUS), message('customer.subscription.created', T, { kind: 'subscription', subscriptionId: 'sub_real', customerId: CUS, status: 'active', plan: 'price_pro', periodEnd: T }));
    const result = mergeEvent(fromSubscription, checkout(T + 5, 'usr_a', 'sub_other'));
    expect(result.next.subscriptionId).toBe('sub_real');
    // Filling it alone is a change (nothing else in this checkout is new).
    const linked = apply(emptyState(CUS), checkout(T, 'usr_a'));
    const fill = mergeEvent(linked, checkout(T, 'usr_a', 'sub_1'));
    expect(fill).toEqual({ next: { ...linked, subscriptionId: 'sub_1' }, changed: true, linkChanged: false, statusChanged: false });
  });

  it('customer.deleted unlinks a linked customer (a link change) and is no link change when nobody was linked', () => {
    const linked = apply(emptyState(CUS), checkout(T, 'usr_a'));
    expect(mergeEvent(linked, customerDeleted(T + 1))).toEqual({
      next: { ...linked, userId: null, deleted: true, linkVersion: version(T + 1, 2) },
      changed: true, linkChanged: true, statusChanged: false,
    });
    const unlinked = mergeEvent(emptyState(CUS), customerDeleted(T));
    expect([unlinked.changed, unlinked.linkChanged, unlinked.next.deleted]).toEqual([true, false, true]);
  });

  it('a stale customer.deleted after a newer checkout changes nothing', () => {
    const linked = apply(emptyState(CUS), checkout(T + 10, 'usr_a'));
    expect(mergeEvent(linked, customerDeleted(T)).changed).toBe(false);
  });

  it('within the same second, deletion outranks a checkout; a later checkout relinks and undeletes', () => {
    expect(apply(emptyState(CUS), checkout(T, 'usr_a'), customerDeleted(T)).userId).toBeNull();
    expect(apply(emptyState(CUS), customerDeleted(T), checkout(T, 'usr_a')).userId).toBeNull();
    const relinked = mergeEvent(apply(emptyState(CUS), checkout(T, 'usr_a'), customerDeleted(T)), checkout(T + 1, 'usr_a'));
    expect([relinked.next.userId, relinked.next.deleted, relinked.linkChanged]).toEqual(['usr_a', false, true]);
  });

  it('a subscription event sets the plan, period and status; a status that stays the same is no status change', () => {
    const first = mergeEvent(emptyState(CUS), subscription(T, 'active'));
    const v = version(T, 2, T + 86_400, 4);
    expect(first).toEqual({
      next: { ...emptyState(CUS), subscriptionId: 'sub_1', plan: 'price_pro', periodEnd: T + 86_400, subscriptionVersion: v, status: 'active', statusVersion: v },
      changed: true, linkChanged: false, statusChanged: true,
    });
    const again = mergeEvent(first.next, subscription(T + 1, 'active'));
    expect([again.changed, again.statusChanged]).toEqual([true, false]);
  });

  it('a subscription event without a status leaves the status alone', () => {
    const active = apply(emptyState(CUS), invoice(T, true));
    const result = mergeEvent(active, subscription(T + 1, null));
    expect(result.next.status).toBe('active');
    expect(result.next.subscriptionVersion).toBe(version(T + 1, 2, T + 86_400, 0));
    expect(result.statusChanged).toBe(false);
  });

  it('customer.subscription.deleted means canceled, whatever status the object says', () => {
    expect(apply(emptyState(CUS), subscription(T, 'active', 'customer.subscription.deleted')).status).toBe('canceled');
  });

  it.each([
    ['active then canceled', ['active', 'canceled'], 'canceled'],
    ['canceled then active', ['canceled', 'active'], 'canceled'],
    ['trialing then past_due', ['trialing', 'past_due'], 'past_due'],
    ['past_due then trialing', ['past_due', 'trialing'], 'past_due'],
    ['incomplete then incomplete_expired', ['incomplete_expired', 'incomplete'], 'incomplete_expired'],
    ['unpaid then paused', ['paused', 'unpaid'], 'paused'],
  ])('within the same second and period, the later stage of a subscription wins (%s)', (_name, statuses, expected) => {
    expect(apply(emptyState(CUS), ...statuses.map((s) => subscription(T, s))).status).toBe(expected);
  });

  it('orders every stage of a subscription within one second, an unknown status lowest', () => {
    const chain = ['some_future_status', 'incomplete', 'incomplete_expired', 'trialing', 'active', 'past_due', 'unpaid', 'paused', 'canceled'];
    for (let i = 0; i + 1 < chain.length; i += 1) {
      expect(apply(emptyState(CUS), subscription(T, chain[i + 1]), subscription(T, chain[i])).status).toBe(chain[i + 1]);
      expect(apply(emptyState(CUS), subscription(T, chain[i]), subscription(T, chain[i + 1])).status).toBe(chain[i + 1]);
    }
  });

  it('within the same second, a subscription status outranks an invoice', () => {
    expect(apply(emptyState(CUS), subscription(T, 'canceled'), invoice(T, true)).status).toBe('canceled');
    expect(apply(emptyState(CUS), invoice(T, true), subscription(T, 'canceled')).status).toBe('canceled');
  });

  it('invoices: paid is active, failed is past_due, a later attempt wins, a repeated status is no status change', () => {
    const failed = mergeEvent(emptyState(CUS), invoice(T, false, 1));
    expect(failed).toEqual({ next: { ...emptyState(CUS), status: 'past_due', statusVersion: version(T, 1, 1, 0) }, changed: true, linkChanged: false, statusChanged: true });
    expect(apply(failed.next, invoice(T, true, 2)).status).toBe('active');
    expect(apply(emptyState(CUS), invoice(T, true, 2), invoice(T, false, 1)).status).toBe('active');
    const again = mergeEvent(failed.next, invoice(T + 1, false, 2));
    expect([again.changed, again.statusChanged]).toEqual([true, false]);
    // Same second, same attempt: paid outranks failed.
    expect(apply(emptyState(CUS), invoice(T, true, 1), invoice(T, false, 1)).status).toBe('active');
  });

  it('the billing view shows the period end as ISO time, or null', () => {
    const state = apply(emptyState(CUS), subscription(T, 'active'));
    expect(billingView(state, '2026-12-02T00:00:00.000Z')).toEqual({
      customerId: CUS, subscriptionId: 'sub_1', status: 'active', plan: 'price_pro', periodEnd: new Date((T + 86_400) * 1000).toISOString(), updatedAt: '2026-12-02T00:00:00.000Z',
    });
    expect(billingView(emptyState(CUS), 'now').periodEnd).toBeNull();
  });
});
