import { dynamoEventClaims, IN_PROGRESS_SECONDS, RECEIPT_RETENTION_SECONDS } from '../../../lib/billing/dynamo-event-claims';
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

  it('when an event is claimed, it is in progress with a short expiry and kept 30 days', async () => {
    // Prepare
    setClock('2026-11-24T06:00:00Z');
    const id = eventId();
    // Act
    const claim = await claims.claim(id, 'invoice.paid');
    // Assess
    expect(claim.outcome).toBe('claimed');
    const now = Date.parse('2026-11-24T06:00:00Z') / 1000;
    expect(await probe.receiptOf(id)).toMatchObject({ status: 'in_progress', inProgressUntil: now + IN_PROGRESS_SECONDS, ttl: now + RECEIPT_RETENTION_SECONDS, type: 'invoice.paid' });
  });

  it('when the receiver died after claiming, a retry is refused while the claim is fresh and accepted once it expired', async () => {
    setClock('2026-11-24T06:00:00Z');
    const id = eventId();
    await claims.claim(id, 'invoice.paid');
    // Act
    setClock(Date.parse('2026-11-24T06:00:00Z') + 5_000);
    const early = await claims.claim(id, 'invoice.paid');
    setClock(Date.parse('2026-11-24T06:00:00Z') + (IN_PROGRESS_SECONDS + 1) * 1000);
    const late = await claims.claim(id, 'invoice.paid');
    // Assess
    expect(early.outcome).toBe('in_progress');
    expect(late.outcome).toBe('claimed');
  });

  it('when a claim is completed, later claims learn it is a duplicate, even long after the in-progress expiry', async () => {
    const id = eventId();
    const claim = await claims.claim(id, 'invoice.paid');
    if (claim.outcome !== 'claimed') throw new Error('not claimed');
    await claims.complete(id, claim.token);
    setClock(Date.now() + 2 * 86_400_000);
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
    expect(await probe.receiptOf(event.id)).toMatchObject({ status: 'completed' });
  });
});
