import { dynamoEventClaims, RECEIPT_RETENTION_SECONDS } from '../../../lib/billing/dynamo-event-claims';
import { receiveStripeEvent } from '../../../lib/billing/receipt';
import { stripeSignatureVerifier } from '../../../lib/billing/stripe-signature';
import { setClock } from '../../../lib/platform/time';
import { billingProbe } from '../../support/billing-probe';
import { checkoutSessionObject, eventId, signatureHeader, stripeEvent } from '../../support/stripe';

const claims = dynamoEventClaims(process.env.BILLING_TABLE!);
const probe = billingProbe(process.env.HELPSHELF_TEST_EMULATOR!);
const SECRET = 'whsec_claims_test_secret_0123456789';
const verify = stripeSignatureVerifier('unused', async () => ({ current: SECRET }));

describe('receipt claims in the billing table', () => {
  afterEach(() => setClock(undefined));

  it('when an event is claimed, it is in progress and kept 30 days', async () => {
    // Prepare
    setClock('2026-11-24T06:00:00Z');
    const id = eventId();
    // Act
    const claim = await claims.claim(id, 'invoice.paid');
    // Assess
    expect(claim.outcome).toBe('claimed');
    const now = Date.parse('2026-11-24T06:00:00Z') / 1000;
    expect(await probe.receiptOf(id)).toMatchObject({ status: 'in_progress', ttl: now + RECEIPT_RETENTION_SECONDS, type: 'invoice.paid' });
  });

  it('when a claim is not completed, another delivery claims it again (and only its own release removes it)', async () => {
    const id = eventId();
    const first = await claims.claim(id, 'invoice.paid');
    // Act
    const second = await claims.claim(id, 'invoice.paid');
    if (first.outcome !== 'claimed' || second.outcome !== 'claimed') throw new Error('not claimed');
    await claims.release(id, first.token);
    // Assess
    expect(second.token).not.toBe(first.token);
    expect(await probe.receiptOf(id)).toMatchObject({ status: 'in_progress', claimToken: second.token });
  });

  it('when the worker completes a receipt, later claims learn it is a duplicate, long after, and a stale release leaves it', async () => {
    const id = eventId();
    const claim = await claims.claim(id, 'invoice.paid');
    if (claim.outcome !== 'claimed') throw new Error('not claimed');
    // Act
    await claims.complete(id);
    await claims.release(id, claim.token);
    setClock(Date.now() + 2 * 86_400_000);
    // Assess
    expect((await claims.claim(id, 'invoice.paid')).outcome).toBe('completed');
    expect(await probe.receiptOf(id)).toMatchObject({ status: 'completed', type: 'invoice.paid' });
  });

  it('when the worker completes an event whose receipt a failed delivery released, the receipt is recreated as completed with its retention', async () => {
    setClock('2026-11-24T06:00:00Z');
    const id = eventId();
    // Act
    await claims.complete(id);
    // Assess
    expect(await probe.receiptOf(id)).toMatchObject({ status: 'completed', eventId: id, ttl: Date.parse('2026-11-24T06:00:00Z') / 1000 + RECEIPT_RETENTION_SECONDS });
    expect((await claims.claim(id, 'invoice.paid')).outcome).toBe('completed');
  });

  it('when the hand-off to the queue fails, it answers 503 and leaves no receipt, so Stripe\'s retry is accepted', async () => {
    // Prepare
    const event = stripeEvent('checkout.session.completed', checkoutSessionObject({ customer: 'cus_handoff', userId: 'usr_handoff' }));
    const body = JSON.stringify(event);
    const failingQueue = { send: async () => Promise.reject(Object.assign(new Error('unreachable'), { name: 'TimeoutError' })) };
    // Act
    const failure = await receiveStripeEvent(body, signatureHeader(body, SECRET), { verify, claims, queue: failingQueue }).catch((e: { status: number }) => e);
    const afterFailure = await probe.receiptOf(event.id);
    const sent: unknown[] = [];
    const retry = await receiveStripeEvent(body, signatureHeader(body, SECRET), { verify, claims, queue: { send: async (m) => void sent.push(m) } });
    // Assess
    expect(failure).toMatchObject({ status: 503 });
    expect(afterFailure).toBeUndefined();
    expect(retry).toBe('accepted');
    expect(sent).toHaveLength(1);
    expect(await probe.receiptOf(event.id)).toMatchObject({ status: 'in_progress' });
  });
});
