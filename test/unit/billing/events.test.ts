import { readEnvelope, toBillingMessage, parseBillingMessage, HANDLED_TYPES } from '../../../lib/billing/events';
import { findCardData, stripeResources, subscriptionObject } from '../../support/stripe';

describe('the allow-listed projection of Stripe events', () => {
  it('when any fixture resource is wrapped in any handled event type, the queue message carries no card, bank or address field', () => {
    // Prepare
    const messages: string[] = [];
    const allowed = new Set(['v', 'eventId', 'type', 'created', 'livemode', 'object', 'kind', 'sessionId', 'customerId', 'subscriptionId', 'userId', 'status', 'plan', 'periodEnd', 'invoiceId', 'attemptCount']);
    const keys = (value: unknown): string[] => (value && typeof value === 'object' ? Object.entries(value).flatMap(([k, v]) => [k, ...keys(v)]) : []);
    // Act
    for (const object of Object.values(stripeResources)) {
      for (const type of HANDLED_TYPES) {
        const message = toBillingMessage({ id: 'evt_1', type, created: 1, livemode: false, object: structuredClone(object) });
        if (message) messages.push(JSON.stringify(message));
      }
    }
    // Assess
    expect(messages.length).toBeGreaterThan(100);
    for (const text of messages) {
      expect(findCardData(text)).toEqual([]);
      const unexpected = keys(JSON.parse(text)).filter((k) => !allowed.has(k));
      expect(unexpected).toEqual([]);
      // Every value is a short scalar: an id, a status, a number, never a nested Stripe object.
      for (const value of Object.values(JSON.parse(text).object)) expect(value === null || typeof value !== 'object').toBe(true);
    }
  });

  it('when a subscription event arrives, it keeps id, customer, status, price id and period end only', () => {
    const object = subscriptionObject({ id: 'sub_1', customer: 'cus_1', status: 'active', price: 'price_pro', periodEnd: 1_900_000_000 });
    const message = toBillingMessage({ id: 'evt_1', type: 'customer.subscription.updated', created: 5, livemode: false, object });
    expect(message).toEqual({
      v: 1,
      eventId: 'evt_1',
      type: 'customer.subscription.updated',
      created: 5,
      livemode: false,
      object: { kind: 'subscription', subscriptionId: 'sub_1', customerId: 'cus_1', status: 'active', plan: 'price_pro', periodEnd: 1_900_000_000 },
    });
  });

  it('when the type is not one HelpShelf acts on, there is no message', () => {
    expect(toBillingMessage({ id: 'evt_1', type: 'charge.succeeded', created: 1, livemode: false, object: stripeResources.charge })).toBeNull();
    expect(toBillingMessage({ id: 'evt_1', type: 'payment_method.attached', created: 1, livemode: false, object: stripeResources.payment_method })).toBeNull();
  });

  it('when the signed body is not an event envelope, it is refused', () => {
    expect(readEnvelope(null)).toBeNull();
    expect(readEnvelope([])).toBeNull();
    expect(readEnvelope({ id: 'nope', type: 'x', created: 1, data: { object: {} } })).toBeNull();
    expect(readEnvelope({ id: 'evt_1', type: 'x', created: '1', data: { object: {} } })).toBeNull();
    expect(readEnvelope({ id: 'evt_1', type: 'x', created: 1, data: {} })).toBeNull();
    expect(readEnvelope({ id: 'evt_1', type: 'x', created: 1, livemode: true, data: { object: { id: 'a' } } })).toEqual({ id: 'evt_1', type: 'x', created: 1, livemode: true, object: { id: 'a' } });
  });

  it('when a queue message is not one the receiver wrote, it does not parse', () => {
    expect(parseBillingMessage('not json')).toBeNull();
    expect(parseBillingMessage(JSON.stringify({ v: 1, eventId: 'evt_1', type: 'charge.succeeded', created: 1, livemode: false, object: {} }))).toBeNull();
  });
});

describe('the card-data detector the leak checks use', () => {
  it('finds a planted card value as a whole value, and not inside an unrelated zero-padded key', () => {
    const { distinctive } = (require('../../support/stripe') as typeof import('../../support/stripe')).cardFieldValues();
    const planted = distinctive.find((v) => /^\d+$/.test(v)) ?? distinctive[0];
    expect(findCardData(`{"note":"${planted}"}`)).toContain(planted);
    expect(findCardData(`{"sk":"SEQ#00${planted}"}`)).not.toContain(planted);
  });
});
