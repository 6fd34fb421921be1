import { receiveStripeEvent, type ClaimOutcome, type EventClaimStore, type ReceiptCompletion, type ReceiptDeps } from '../../../lib/billing/receipt';
import type { BillingEventMessage } from '../../../lib/billing/events';
import { signedTimestamp, stripeSignatureVerifier } from '../../../lib/billing/stripe-signature';
import { checkoutSessionObject, signatureHeader, stripeEvent } from '../../support/stripe';

/** An in-memory receipt store with the DynamoDB adapter's rules; `calls` lists the AWS writes it stands for. */
function fakeClaims(initial: 'in_progress' | 'completed' | undefined = undefined) {
  const calls: string[] = [];
  let state: { status: 'in_progress' | 'completed'; token?: string } | undefined = initial ? { status: initial, token: initial === 'in_progress' ? 't0' : undefined } : undefined;
  let n = 0;
  const store: EventClaimStore & ReceiptCompletion = {
    claim: async (id) => {
      calls.push(`claim ${id}`);
      if (state?.status === 'completed') return { outcome: 'completed' } as ClaimOutcome;
      n += 1;
      state = { status: 'in_progress', token: `t${n}` };
      return { outcome: 'claimed', token: `t${n}` };
    },
    release: async (id, token) => {
      calls.push(`release ${id} ${token}`);
      if (state?.token === token) state = undefined;
    },
    acknowledge: async (id) => {
      calls.push(`acknowledge ${id}`);
      state = { status: 'completed' };
    },
    complete: async (id) => {
      calls.push(`complete ${id}`);
      state = { status: 'completed' };
    },
  };
  return { store, calls, state: () => state };
}

const SECRET = 'whsec_unit_current_secret';
const verify = stripeSignatureVerifier('unit', async () => ({ current: SECRET, previous: 'whsec_unit_previous_secret' }));

function deps(claims: EventClaimStore, send: (m: BillingEventMessage) => Promise<void> = async () => undefined): ReceiptDeps {
  return { verify, claims, queue: { send } };
}

describe('receiving a Stripe webhook', () => {
  const event = stripeEvent('checkout.session.completed', checkoutSessionObject({ customer: 'cus_1', userId: 'usr_1' }));
  const body = JSON.stringify(event);

  it('when the event is new, it claims and queues the projection: two calls, the receipt left for the worker to complete', async () => {
    const { store, calls, state } = fakeClaims();
    const sent: BillingEventMessage[] = [];
    // Act
    const outcome = await receiveStripeEvent(body, signatureHeader(body, SECRET), deps(store, async (m) => void sent.push(m)));
    // Assess
    expect(outcome).toBe('accepted');
    expect(calls).toEqual([`claim ${event.id}`]);
    expect(sent).toEqual([expect.objectContaining({ eventId: event.id, type: 'checkout.session.completed' })]);
    expect(state()).toMatchObject({ status: 'in_progress' });
  });

  it('when the hand-off to the queue fails, it answers 503 and releases the claim so the retry is accepted', async () => {
    const { store, calls } = fakeClaims();
    const failing = deps(store, async () => Promise.reject(Object.assign(new Error('sqs down'), { name: 'ServiceUnavailable' })));
    // Act
    await expect(receiveStripeEvent(body, signatureHeader(body, SECRET), failing)).rejects.toMatchObject({ status: 503 });
    const sent: BillingEventMessage[] = [];
    const retry = await receiveStripeEvent(body, signatureHeader(body, SECRET), deps(store, async (m) => void sent.push(m)));
    // Assess
    expect(calls).toEqual([`claim ${event.id}`, `release ${event.id} t1`, `claim ${event.id}`]);
    expect(retry).toBe('accepted');
    expect(sent).toHaveLength(1);
  });

  it('when the worker has completed the event, a replay answers success without queueing again (one call)', async () => {
    const { store, calls } = fakeClaims('completed');
    const send = jest.fn();
    expect(await receiveStripeEvent(body, signatureHeader(body, SECRET), deps(store, send))).toBe('duplicate');
    expect(send).not.toHaveBeenCalled();
    expect(calls).toEqual([`claim ${event.id}`]);
  });

  it('when a replay arrives while the first delivery is not yet completed, it is queued again and answered 200: it cannot know the first hand-off succeeded', async () => {
    const { store } = fakeClaims('in_progress');
    const sent: BillingEventMessage[] = [];
    expect(await receiveStripeEvent(body, signatureHeader(body, SECRET), deps(store, async (m) => void sent.push(m)))).toBe('accepted');
    expect(sent).toHaveLength(1);
  });

  it('when two deliveries race and the first hand-off fails after the second claimed, the first release leaves the second claim in place', async () => {
    const { store, state } = fakeClaims();
    let failFirst: (e: Error) => void = () => undefined;
    const first = receiveStripeEvent(body, signatureHeader(body, SECRET), deps(store, () => new Promise((_, reject) => (failFirst = reject))));
    await new Promise((r) => setImmediate(r));
    // Act
    const second = await receiveStripeEvent(body, signatureHeader(body, SECRET), deps(store));
    failFirst(new Error('sqs down'));
    // Assess
    await expect(first).rejects.toMatchObject({ status: 503 });
    expect(second).toBe('accepted');
    expect(state()).toMatchObject({ status: 'in_progress', token: 't2' });
  });

  it('when the type is not handled, it records it as completed in one write and queues nothing', async () => {
    const { store, calls, state } = fakeClaims();
    const other = stripeEvent('charge.succeeded', { id: 'ch_1', object: 'charge' });
    const otherBody = JSON.stringify(other);
    const send = jest.fn();
    expect(await receiveStripeEvent(otherBody, signatureHeader(otherBody, SECRET), deps(store, send))).toBe('ignored');
    expect(send).not.toHaveBeenCalled();
    expect(calls).toEqual([`acknowledge ${other.id}`]);
    expect(state()).toMatchObject({ status: 'completed' });
  });

  it('when the body is signed with the previous secret, it is accepted; with another, refused before any claim', async () => {
    const { store, calls } = fakeClaims();
    expect(await receiveStripeEvent(body, signatureHeader(body, 'whsec_unit_previous_secret'), deps(store))).toBe('accepted');
    const other = fakeClaims();
    await expect(receiveStripeEvent(body, signatureHeader(body, 'whsec_someone_else'), deps(other.store))).rejects.toMatchObject({ status: 400, code: 'invalid_signature' });
    expect(other.calls).toEqual([]);
    expect(calls).toHaveLength(1);
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
