import { applyBillingEvent } from '../../../lib/billing/apply';
import { dynamoBillingRepository } from '../../../lib/billing/dynamo-billing-repository';
import { readEnvelope, toBillingMessage } from '../../../lib/billing/events';
import { dataRightsParts } from '../../../lib/data-rights/runtime';
import { sesMailer } from '../../../lib/platform/mailer';
import { issuedTokens } from '../../../scripts/lib/social-provider';
import { lockOf, login, mailedToken, me, newPassword, signup, type IdentityContext } from '../../cases/identity.cases';
import { bearer, deleteMe, exportMyData, fullCustomer, itemsNaming, notKept, STAGE_TABLES } from '../../cases/data-rights.cases';
import { viaHandler } from '../../support/http';
import { mailTo } from '../../support/mail';
import { stripeEvent, subscriptionObject } from '../../support/stripe';
import { stripeCustomers, stripeOutage } from '../../support/stripe-stand-in';

jest.setTimeout(120_000);

const ctx: IdentityContext = { send: viaHandler, emulator: process.env.HELPSHELF_TEST_EMULATOR! };

describe('data rights: export everything, delete everything (in-process against the emulator)', () => {
  it('when a customer exports, every capability contributes its part, and no secret, token, hash or other person is in it', async () => {
    // Prepare
    const customer = await fullCustomer(ctx);
    const other = await fullCustomer(ctx);

    // Act
    const res = await exportMyData(ctx.send, customer.token);

    // Assess: an attachment with every section, each holding this customer's data
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toBe('attachment; filename="helpshelf-export.json"');
    expect(res.headers['cache-control']).toContain('no-store');
    const doc = res.json;
    expect(doc).toMatchObject({
      format: 'helpshelf-export/1',
      account: { id: customer.userId, email: customer.email, name: 'Ada Lovelace', emailVerified: true },
      billing: { customerId: customer.customerId },
    });
    expect(doc.sessions).toHaveLength(1);
    expect(doc.tokens).toEqual([expect.objectContaining({ name: 'data-rights test', kind: 'personal' })]);
    expect(doc.connections).toEqual([expect.objectContaining({ id: customer.connectionId, provider: 'demo', accountId: 'demo-account' })]);
    expect(doc.incidents).toEqual([expect.objectContaining({ id: customer.incidentId, summary: customer.incidentSummary, details: 'Found while testing the export.' })]);
    // The engineer's read of the record for a support ticket, as the access log shows it (no engineer's name)
    // (Restores and drills appear on every customer's log; other files run them on the same emulator.)
    const ownAccessLog = (doc.accessLog as Array<{ kind: string }>).filter((e) => e.kind !== 'restore' && e.kind !== 'restore-drill');
    expect(ownAccessLog).toEqual([expect.objectContaining({ kind: 'record-read', reference: 'ticket 5150', role: 'Engineering', emergency: false })]);
    expect(JSON.stringify(doc.accessLog)).not.toMatch(/alice|bob/);
    for (const section of ['account', 'billing', 'sessions', 'tokens', 'connections', 'passkeys', 'incidents', 'accessLog', 'securityEvents']) expect(doc).toHaveProperty(section);

    // Assess: nothing that could sign in or be cracked, and nothing of the other customer
    const text = res.text;
    for (const secret of [customer.token, customer.personalToken, customer.password]) expect(text).not.toContain(secret);
    for (const word of ['passwordHash', '$argon2', 'digest', 'sealed', 'hs_']) expect(text).not.toContain(word);
    for (const theirs of [other.userId, other.email, other.customerId, other.connectionId, other.incidentId]) expect(text).not.toContain(theirs);
  });

  it('when the export is asked with an access token, or without a valid token, it is refused', async () => {
    const customer = await fullCustomer(ctx);
    const withPat = await exportMyData(ctx.send, customer.personalToken);
    expect({ status: withPat.status, code: withPat.json.error.code }).toEqual({ status: 403, code: 'session_required' });
    const forged = await exportMyData(ctx.send, 'hs_ses_notarealtoken');
    expect(forged.status).toBe(401);
  });

  it('when a table holds an item naming the customer, some data-rights part accounts for it (no capability forgot its export and erasure)', async () => {
    // Prepare: a customer with something in every capability
    const customer = await fullCustomer(ctx);
    const parts = dataRightsParts();

    // Act
    const naming = await itemsNaming(ctx, customer);

    // Assess: every item is covered, except the audit log (kept, names only the user id)
    expect(naming.filter((n) => n.table === 'access').map((n) => String(n.item.pk).split('#')[0]).sort()).toEqual(['CUST', 'LOG']);
    const uncovered = naming
      .filter(({ table }) => table !== 'audit')
      .filter(({ table, item }) => !parts.some((p) => p.covers[table]?.(item)))
      .map(({ table, item }) => `${table}: ${String(item.pk)} / ${String(item.sk)}`);
    expect(uncovered).toEqual([]);
    expect(naming.map((n) => n.table)).toEqual(expect.arrayContaining(['accounts', 'tokens', 'billing', 'connections', 'incidents', 'access']));
  });

  it('when the owner deletes the account, everything stops at once and leaves every table; Stripe and the provider are told; the address is free', async () => {
    // Prepare
    const before = await issuedTokens(process.env.HELPSHELF_TEST_SOCIAL_PROVIDER!);
    const customer = await fullCustomer(ctx);

    // Act: a wrong password first
    const wrong = await deleteMe(ctx.send, customer.token, 'not-the-password-at-all');
    // Assess: refused, nothing changed
    expect({ status: wrong.status, code: wrong.json.error.code }).toEqual({ status: 401, code: 'invalid_credentials' });
    expect((await me(ctx, customer.token)).status).toBe(200);

    // Act: with an access token, then the session
    const withPat = await deleteMe(ctx.send, customer.personalToken, customer.password);
    expect({ status: withPat.status, code: withPat.json.error.code }).toEqual({ status: 403, code: 'session_required' });
    const res = await deleteMe(ctx.send, customer.token, customer.password);

    // Assess: 202, and the very next request with any token is 401; no login
    expect(res.status).toBe(202);
    expect(res.json).toEqual({ status: 'deleted' });
    expect((await me(ctx, customer.token)).status).toBe(401);
    expect((await me(ctx, customer.personalToken)).status).toBe(401);
    expect((await login(ctx, customer.email, customer.password)).status).toBe(401);

    // Assess: Stripe's customer deleted, the provider's grant revoked
    expect((await stripeCustomers()).find((c) => c.id === customer.customerId)).toMatchObject({ deleted: true });
    const after = await issuedTokens(process.env.HELPSHELF_TEST_SOCIAL_PROVIDER!);
    const newlyIssued = after.filter((t) => !before.some((b) => b.value === t.value));
    expect(newlyIssued.length).toBeGreaterThan(0);
    expect(newlyIssued.filter((t) => t.active)).toEqual([]);

    // Assess: no table holds an item naming the customer, but the audit log's entries and the record
    // of engineer access that mirrors them (the grant, the access-log entry), by user id only
    const left = await itemsNaming(ctx, customer);
    expect(left.filter((l) => l.table === 'access').map((l) => String(l.item.pk).split('#')[0]).sort()).toEqual(['CUST', 'LOG']);
    expect(left.filter(notKept).map((l) => `${l.table}: ${String(l.item.pk)} / ${String(l.item.sk)}`)).toEqual([]);
    expect(JSON.stringify(left.map((l) => l.item))).not.toContain(customer.email);
    // The report stays, without the person
    const incident = (await itemsNaming(ctx, { userId: customer.incidentId, email: customer.incidentId })).find((f) => f.item.sk === 'META');
    expect(incident?.item).toMatchObject({ summary: customer.incidentSummary, email: '', userId: null });

    // Assess: the owner was told
    expect((await mailTo(customer.email)).some((m) => m.subject === 'Your HelpShelf account was deleted')).toBe(true);

    // Assess: the address can sign up again at once, with a new account
    const password = newPassword();
    expect((await signup(ctx, { email: customer.email, password })).status).toBe(202);
    const verify = await ctx.send({ method: 'POST', path: '/v1/signup/verify', body: { token: await mailedToken(ctx, customer.email, 'vrf'), password } });
    expect(verify.status).toBe(200);
    expect((await lockOf(ctx, customer.email))!.userId).not.toBe(customer.userId);
  });

  it('when Stripe sends events for a deleted customer afterwards, they are acknowledged and ignored', async () => {
    // Prepare
    const customer = await fullCustomer(ctx);
    expect((await deleteMe(ctx.send, customer.token, customer.password)).status).toBe(202);

    // Act
    const event = readEnvelope(
      stripeEvent('customer.subscription.updated', subscriptionObject({ id: 'sub_after', customer: customer.customerId, status: 'active', price: 'price_team', periodEnd: 1_900_000_000 })),
    )!;
    const outcome = await applyBillingEvent(toBillingMessage(event)!, {
      repository: dynamoBillingRepository(STAGE_TABLES.billing, STAGE_TABLES.accounts),
      mailer: sesMailer(),
      livemode: false,
      billingUrl: 'http://localhost:3000/account/billing',
    });

    // Assess
    expect(outcome).toBe('ignored');
    const left = await itemsNaming(ctx, customer);
    expect(left.filter(notKept)).toEqual([]);
  });

  it('when Stripe is down, the deletion answers 503 and nothing changes: the owner can try again', async () => {
    // Prepare
    const customer = await fullCustomer(ctx);
    await stripeOutage(10); // the SDK's own retries included

    // Act
    const res = await deleteMe(ctx.send, customer.token, customer.password);
    await stripeOutage(0);

    // Assess
    expect({ status: res.status, code: res.json.error.code }).toEqual({ status: 503, code: 'service_unavailable' });
    expect((await me(ctx, customer.token)).status).toBe(200);
    expect((await deleteMe(ctx.send, customer.token, customer.password)).status).toBe(202);
  });

  it('when requests of the account race its deletion, none sent after the 202 succeeds, and no token minted during it works', async () => {
    // Prepare
    const customer = await fullCustomer(ctx);
    let answered = false;

    // Act: reads, token creations and logins in flight while the deletion runs
    const racing = Array.from({ length: 12 }, (_, i) =>
      (async () => {
        await new Promise((r) => setTimeout(r, i * 15));
        const sentAfter = answered;
        const kind = i % 3;
        const res =
          kind === 0
            ? await me(ctx, customer.token)
            : kind === 1
              ? await ctx.send({ method: 'POST', path: '/v1/tokens', headers: bearer(customer.token), body: { name: `race ${i}` } })
              : await login(ctx, customer.email, customer.password);
        return { sentAfter, status: res.status, token: res.status === 201 ? (res.json.token as string) : undefined };
      })(),
    );
    const deletion = deleteMe(ctx.send, customer.token, customer.password).then((r) => {
      answered = true;
      return r;
    });
    const [deleted, ...results] = await Promise.all([deletion, ...racing]);

    // Assess
    expect(deleted.status).toBe(202);
    expect(results.filter((r) => r.sentAfter && r.status < 400)).toEqual([]);
    for (const minted of results.filter((r) => r.token)) expect((await me(ctx, minted.token!)).status).toBe(401);
    expect((await itemsNaming(ctx, customer)).filter(notKept)).toEqual([]);
  });
});
