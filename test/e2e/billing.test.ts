import { randomUUID } from 'node:crypto';
import { billingWebhookCases } from '../cases/billing.cases';
import { me, readyAccount } from '../cases/identity.cases';
import { billingProbe } from '../support/billing-probe';
import { viaHttp } from '../support/http';
import { checkoutSessionObject, signedWebhook, stripeEvent, subscriptionObject } from '../support/stripe';

const send = viaHttp(process.env.E2E_BASE_URL!);
const probe = billingProbe(process.env.E2E_EMULATOR_ENDPOINT!);

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    value = await read();
  }
  return value;
}

describe('Stripe webhooks over HTTP against the local stage', () => {
  it.each(billingWebhookCases.map((c) => [c.name, c] as const))('%s', async (_name, testCase) => {
    await testCase.run(send, probe);
  });

  it('when a checkout completes and the subscription updates, the user billing map shows them (receipt → queue → poller → worker), and a replay changes nothing', async () => {
    // Prepare: a real account (signup, verification mail, login), so GET /v1/me can show the result.
    const account = await readyAccount({ send, emulator: process.env.E2E_EMULATOR_ENDPOINT! });
    const userId = account.userId;
    const customerId = `cus_${randomUUID().replace(/-/g, '').slice(0, 14)}`;
    const before = await me({ send, emulator: process.env.E2E_EMULATOR_ENDPOINT! }, account.token);
    expect(before.json.billing).toEqual({ status: null, plan: null, customerId: null });
    const now = Math.floor(Date.now() / 1000);
    const checkout = stripeEvent('checkout.session.completed', checkoutSessionObject({ customer: customerId, userId, subscription: 'sub_e2e' }), { created: now - 2 });
    const updated = stripeEvent('customer.subscription.updated', subscriptionObject({ id: 'sub_e2e', customer: customerId, status: 'active', price: 'price_pro', periodEnd: now + 30 * 86_400 }), { created: now - 1 });

    // Act
    const responses = [await send(signedWebhook(checkout)), await send(signedWebhook(updated))];
    const user = await eventually(() => probe.user(userId), (u) => u?.billing?.status === 'active');

    // Assess
    expect(responses.map((r) => [r.status, r.json])).toEqual([
      [200, { received: true }],
      [200, { received: true }],
    ]);
    expect(user?.billing).toEqual({
      customerId,
      subscriptionId: 'sub_e2e',
      status: 'active',
      plan: 'price_pro',
      periodEnd: new Date((now + 30 * 86_400) * 1000).toISOString(),
      updatedAt: expect.any(String),
    });
    const shown = await me({ send, emulator: process.env.E2E_EMULATOR_ENDPOINT! }, account.token);
    expect(shown.status).toBe(200);
    expect(shown.json.billing).toEqual({ status: 'active', plan: 'price_pro', customerId });
    const stateBefore = await probe.customerState(customerId);

    // Act: Stripe replays both events
    const replays = [await send(signedWebhook(checkout)), await send(signedWebhook(updated))];
    await new Promise((r) => setTimeout(r, 1500));

    // Assess
    expect(replays.map((r) => r.status)).toEqual([200, 200]);
    expect(await probe.user(userId)).toEqual(user);
    expect(await probe.customerState(customerId)).toEqual(stateBefore);
  });
});
