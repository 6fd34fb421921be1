import { receiveStripeEvent, type ClaimOutcome, type EventClaimStore, type ReceiptDeps } from '../../../lib/billing/receipt';
import type { BillingEventMessage } from '../../../lib/billing/events';
import { signedTimestamp, stripeSignatureVerifier } from '../../../lib/billing/stripe-signature';
import { checkoutSessionObject, signatureHeader, stripeEvent } from '../../support/stripe';

function fakeClaims(initial: ClaimOutcome['outcome'] | undefined = undefined) {
  const calls: string[] = [];
  let state = initial;
  const store: EventClaimStore = {
    claim: async (id) => {
      calls.push(`claim ${id}`);
      if (state) return { outcome: state } as ClaimOutcome;
      state = 'in_progress';
      return { outcome: 'claimed', token: 't1' };
    },
    complete: async (id, token) => {
      calls.push(`complete ${id} ${token}`);
      state = 'completed';
    },
    release: async (id, token) => {
      calls.push(`release ${id} ${token}`);
      state = undefined;
    },
  };
  return { store, calls };
}

const SECRET = 'whsec_unit_current_secret';
const verify = stripeSignatureVerifier('unit', async () => ({ current: SECRET, previous: 'whsec_unit_previous_secret' }));

function deps(claims: EventClaimStore, send: (m: BillingEventMessage) => Promise<void> = async () => undefined): ReceiptDeps {
  return { verify, claims, queue: { send } };
}

describe('receiving a Stripe webhook', () => {
  const event = stripeEvent('checkout.session.completed', checkoutSessionObject({ customer: 'cus_1', userId: 'usr_1' }));
  const body = JSON.stringify(event);

  it('when the event is new, it claims, queues the projection, then completes the claim', async () => {
    const { store, calls } = fakeClaims();
    const sent: BillingEventMessage[] = [];
    // Act
    const outcome = await receiveStripeEvent(body, signatureHeader(body, SECRET), deps(store, async (m) => void sent.push(m)));
    // Assess
    expect(outcome).toBe('accepted');
    expect(calls).toEqual([`claim ${event.id}`, `complete ${event.id} t1`]);
    expect(sent).toEqual([expect.objectContaining({ eventId: event.id, type: 'checkout.session.completed' })]);
  });

  it('when the hand-off to the queue fails, it answers 503 and releases the claim so the retry is accepted', async () => {
    const { store, calls } = fakeClaims();
    const failing = deps(store, async () => Promise.reject(Object.assign(new Error('sqs down'), { name: 'ServiceUnavailable' })));
    // Act
    await expect(receiveStripeEvent(body, signatureHeader(body, SECRET), failing)).rejects.toMatchObject({ status: 503 });
    const retry = await receiveStripeEvent(body, signatureHeader(body, SECRET), deps(store));
    // Assess
    expect(calls).toEqual([`claim ${event.id}`, `release ${event.id} t1`, `claim ${event.id}`, `complete ${event.id} t1`]);
    expect(retry).toBe('accepted');
  });

  it('when the event was already received, it answers success without queueing again', async () => {
    const { store } = fakeClaims('completed');
    const send = jest.fn();
    expect(await receiveStripeEvent(body, signatureHeader(body, SECRET), deps(store, send))).toBe('duplicate');
    expect(send).not.toHaveBeenCalled();
  });

  it('when another delivery of the event is being handed off, it answers 409 so Stripe retries', async () => {
    const { store } = fakeClaims('in_progress');
    await expect(receiveStripeEvent(body, signatureHeader(body, SECRET), deps(store))).rejects.toMatchObject({ status: 409, code: 'event_in_progress' });
  });

  it('when the type is not handled, it acknowledges without queueing', async () => {
    const { store, calls } = fakeClaims();
    const other = JSON.stringify(stripeEvent('charge.succeeded', { id: 'ch_1', object: 'charge' }));
    const send = jest.fn();
    expect(await receiveStripeEvent(other, signatureHeader(other, SECRET), deps(store, send))).toBe('ignored');
    expect(send).not.toHaveBeenCalled();
    expect(calls).toHaveLength(2);
  });

  it('when the body is signed with the previous secret, it is accepted; with another, refused before any claim', async () => {
    const { store, calls } = fakeClaims();
    expect(await receiveStripeEvent(body, signatureHeader(body, 'whsec_unit_previous_secret'), deps(store))).toBe('accepted');
    const other = fakeClaims();
    await expect(receiveStripeEvent(body, signatureHeader(body, 'whsec_someone_else'), deps(other.store))).rejects.toMatchObject({ status: 400, code: 'invalid_signature' });
    expect(other.calls).toEqual([]);
    expect(calls).toHaveLength(2);
  });
});

describe('the Stripe signature verifier', () => {
  it('when the stage has no signing secret configured, it fails loudly instead of refusing every event as unsigned', async () => {
    const unconfigured = stripeSignatureVerifier('helpshelf/prod/stripe-webhook', async () => ({ current: '', previous: '' }));
    await expect(unconfigured('{}', signatureHeader('{}', SECRET))).rejects.toThrow(/holds no Stripe signing secret/);
  });

  describe('the signed timestamp is checked in both directions', () => {
    const NOW_MS = Date.UTC(2026, 11, 2, 6, 0, 0);
    const nowS = NOW_MS / 1000;
    const pinned = stripeSignatureVerifier('unit', async () => ({ current: SECRET }), () => NOW_MS);
    const body = JSON.stringify(stripeEvent('checkout.session.completed', checkoutSessionObject({ customer: 'cus_1', userId: 'usr_1' })));

    it.each([
      ['exactly now', 0, true],
      ['300 s ago (the edge)', -300, true],
      ['300 s ahead (the edge)', 300, true],
      ['301 s ago', -301, false],
      ['301 s ahead', 301, false],
      ['10 days ahead', 10 * 86_400, false],
    ])('a signature dated %s (%i s) is accepted: %p', async (_label, offset, accepted) => {
      const outcome = await pinned(body, signatureHeader(body, SECRET, nowS + offset));
      expect(outcome.ok).toBe(accepted);
      if (!accepted) expect(outcome).toEqual({ ok: false, reason: 'signature' });
    });

    it('a header with two timestamps or a non-numeric one is refused, even when one of them is signed', async () => {
      const valid = signatureHeader(body, SECRET, nowS);
      expect(await pinned(body, `t=${nowS + 86_400},${valid}`)).toEqual({ ok: false, reason: 'signature' });
      expect(await pinned(body, valid.replace(`t=${nowS}`, `t=${nowS}abc`))).toEqual({ ok: false, reason: 'signature' });
      expect(signedTimestamp(valid)).toBe(nowS);
      expect(signedTimestamp('v1=abc')).toBeUndefined();
    });
  });
});
