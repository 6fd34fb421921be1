import { auditStore } from '../../../lib/audit';
import type { AuditEntry } from '../../../lib/audit/audit-log';
import { dynamoDeletionLedger } from '../../../lib/data-rights/dynamo-ledger';
import { documentClient } from '../../../lib/platform/aws/dynamodb';
import { lockOf, login, mailedToken, me, newPassword, readyAccount, signup, type IdentityContext } from '../../cases/identity.cases';
import { fullCustomer, itemsNaming, notKept, SUPPORT_TICKET } from '../../cases/data-rights.cases';
import { viaHandler } from '../../support/http';
import { mailTo } from '../../support/mail';
import { denyAuditWrites, grantInProcess, invokeOps } from '../../support/ops';
import { stripeCustomers } from '../../support/stripe-stand-in';

/**
 * `customers erase (ID or EMAIL) --reason` (issue 25, Ops): a deletion asked by mail, done by an
 * engineer: the same deletion as DELETE /v1/me, under the engineer's own grant, audited first.
 */
jest.setTimeout(120_000);

const ctx: IdentityContext = { send: viaHandler, emulator: process.env.HELPSHELF_TEST_EMULATOR! };
const ledger = dynamoDeletionLedger(process.env.AUDIT_TABLE!);
const REASON = 'ticket 7310 deletion asked by mail from the account address';
const erase = (customer: string, engineer: string, reason: string | undefined = REASON) => invokeOps('opsCustomers', 'erase', { customer, reason }, { localEngineer: engineer });

async function entriesAbout(subject: string): Promise<AuditEntry[]> {
  const found: AuditEntry[] = [];
  for await (const entry of auditStore().all()) if (entry.subject === subject) found.push(entry);
  return found;
}

/** Nothing of the account was touched: it signs in, its session works, it is in no ledger. */
async function expectUntouched(account: { userId: string; email: string; password: string; token: string }) {
  expect((await me(ctx, account.token)).status).toBe(200);
  expect((await login(ctx, account.email, account.password)).status).toBe(201);
  expect(await ledger.has(account.userId)).toBe(false);
  expect((await entriesAbout(account.userId)).map((e) => e.action)).not.toContain('account.deleted');
}

describe('customers erase (opsCustomers), in-process against the emulator', () => {
  it('without the engineer’s own active grant: 403 grant_required (audited) and nothing is erased', async () => {
    // Prepare: another engineer holds a grant for this customer
    const account = await readyAccount(ctx);
    await grantInProcess(account.userId, { requester: 'bob', approver: 'carol' });
    // Act
    const none = await erase(account.email, 'alice');
    const byId = await erase(account.userId, 'carol');
    // Assess
    for (const outcome of [none, byId]) expect(outcome).toMatchObject({ ok: false, error: { code: 'grant_required', status: 403 } });
    await expectUntouched(account);
    const refusals = (await entriesAbout(account.userId)).filter((e) => e.action === 'access.refused').map((e) => [e.actor, e.details?.operation]);
    expect(refusals).toEqual([
      ['local:alice', 'customers.erase'],
      ['local:carol', 'customers.erase'],
    ]);
  });

  it('with a grant: the same deletion as DELETE /v1/me — audited first, every token dead, Stripe told, every table emptied, in the ledger, the owner mailed, the address free again', async () => {
    // Prepare: a customer with something in every capability; alice holds an approved grant (fullCustomer's record read)
    const customer = await fullCustomer(ctx);
    // Act
    const outcome = await erase(customer.email, 'alice');
    // Assess: the answer
    expect(outcome).toEqual({
      ok: true,
      result: { customer: customer.userId, outcome: 'deleted', deletedAt: expect.any(String), erased: expect.arrayContaining(['identity', 'billing', 'connections']), incomplete: [], auditSeq: expect.any(Number), grant: expect.any(String) },
    });
    // Every session and token is 401; no login
    expect((await me(ctx, customer.token)).status).toBe(401);
    expect((await me(ctx, customer.personalToken)).status).toBe(401);
    expect((await login(ctx, customer.email, customer.password)).status).toBe(401);
    // Stripe's customer deleted; no table holds the customer but the audit log and the access record
    expect((await stripeCustomers()).find((c) => c.id === customer.customerId)).toMatchObject({ deleted: true });
    expect((await itemsNaming(ctx, customer)).filter(notKept).map((l) => `${l.table}: ${String(l.item.pk)} / ${String(l.item.sk)}`)).toEqual([]);
    // The ledger entry (no restore brings it back) and the audit entries: the command first, then the deletion, both the engineer's
    expect(await ledger.has(customer.userId)).toBe(true);
    const entries = (await entriesAbout(customer.userId)).map((e) => [e.action, e.actor, e.reason]);
    const at = entries.findIndex(([action]) => action === 'customers.erase');
    expect(entries.slice(at, at + 2)).toEqual([
      ['customers.erase', 'local:alice', REASON],
      ['account.deleted', 'local:alice', REASON],
    ]);
    // The parts' own entries (the connections revoked) name the engineer and the reason too
    expect(entries.slice(at + 2).map(([action, actor, reason]) => [action, actor === 'local:alice' && reason === REASON])).toEqual([
      ['connections.revoke-all', true],
      ['connections.disconnect', true],
    ]);
    expect(entries.slice(0, at).map(([action]) => action)).toEqual(expect.arrayContaining(['access.request', 'access.approve', 'customers.show']));
    // The owner was mailed
    expect((await mailTo(customer.email)).some((m) => m.subject === 'Your HelpShelf account was deleted')).toBe(true);
    // The address can sign up again at once, as a new account
    const password = newPassword();
    expect((await signup(ctx, { email: customer.email, password })).status).toBe(202);
    expect((await ctx.send({ method: 'POST', path: '/v1/signup/verify', body: { token: await mailedToken(ctx, customer.email, 'vrf'), password } })).status).toBe(200);
    expect((await lockOf(ctx, customer.email))!.userId).not.toBe(customer.userId);
    // Erasing the old id again: no such customer, nothing written
    expect(await erase(customer.userId, 'alice', SUPPORT_TICKET)).toMatchObject({ ok: false, error: { code: 'customer_not_found', status: 404 } });
  });

  it.each([
    ['no reason', { reason: undefined }, 400, 'reason_required'],
    ['a reason naming no ticket', { reason: 'they wrote to us' }, 400, 'reason_too_vague'],
    ['a reason with control characters', { reason: 'ticket 1\u001b[2K' }, 400, 'invalid_reason'],
    ['a customer that is neither id nor email', { customer: 'usr_1\n9 local:x account.deleted usr_2' }, 400, 'invalid_customer'],
  ])('%s (%j): a clear %i %s, and nothing is erased', async (_label, override, status, code) => {
    const account = await readyAccount(ctx);
    await grantInProcess(account.userId, { requester: 'alice', approver: 'bob' });
    const outcome = await invokeOps('opsCustomers', 'erase', { customer: account.userId, reason: REASON, ...override }, { localEngineer: 'alice' });
    expect(outcome).toMatchObject({ ok: false, error: { code, status } });
    await expectUntouched(account);
    expect((await entriesAbout(account.userId)).map((e) => e.action)).not.toContain('customers.erase');
  });

  it('an address nobody has is a 404, and the attempt is audited', async () => {
    const unknown = `nobody-${Date.now()}@example.com`;
    expect(await erase(unknown, 'alice')).toMatchObject({ ok: false, error: { code: 'customer_not_found', status: 404 } });
    expect((await entriesAbout(`email:${unknown}`)).map((e) => e.action)).toEqual(['customers.erase']);
  });

  it('audited before it acts: when the audit write fails, nothing is erased and no mail goes', async () => {
    // Prepare
    const account = await readyAccount(ctx);
    await grantInProcess(account.userId, { requester: 'alice', approver: 'bob' });
    const spy = denyAuditWrites(documentClient);
    let outcome;
    try {
      // Act
      outcome = await erase(account.userId, 'alice');
    } finally {
      spy.mockRestore();
    }
    // Assess
    expect(outcome).toMatchObject({ ok: false });
    await expectUntouched(account);
    expect((await mailTo(account.email)).some((m) => m.subject === 'Your HelpShelf account was deleted')).toBe(false);
  });
});
