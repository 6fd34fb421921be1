import { randomUUID } from 'node:crypto';
import { auditStore } from '../../../lib/audit';
import type { AuditEntry } from '../../../lib/audit/audit-log';
import { documentClient } from '../../../lib/platform/aws/dynamodb';
import { seedCustomer } from '../../support/customers';
import { denyAuditWrites, grantInProcess, invokeOps } from '../../support/ops';

const ACCOUNTS = process.env.ACCOUNTS_TABLE!;

/** Entries of the stage's access chain about one subject (other files append to it concurrently). */
async function entriesAbout(subject: string): Promise<AuditEntry[]> {
  const found: AuditEntry[] = [];
  for await (const entry of auditStore().all()) if (entry.subject === subject) found.push(entry);
  return found;
}

describe('customers show (opsCustomers), in-process against the emulator', () => {
  it('when the reason names a ticket, it audits the access and returns the record without any secret', async () => {
    // Prepare
    const customer = await seedCustomer(documentClient, ACCOUNTS);
    const grant = await grantInProcess(customer.userId);
    // Act
    const outcome = await invokeOps('opsCustomers', 'show', { customer: customer.email, reason: 'support ticket 4411' });
    // Assess
    expect(outcome).toEqual({
      ok: true,
      result: {
        customer: {
          id: customer.userId,
          email: customer.email,
          name: 'Ada Example',
          verified: true,
          verifiedAt: '2026-11-02T10:05:00.000Z',
          created: '2026-11-02T10:00:00.000Z',
          billing: { customerId: 'cus_Test123', subscriptionId: 'sub_Test123', status: 'active', plan: 'team', periodEnd: '2026-12-02T10:00:00.000Z', updatedAt: '2026-11-02T10:06:00.000Z' },
        },
        auditSeq: expect.any(Number),
        grant,
      },
    });
    expect(JSON.stringify(outcome)).not.toMatch(/argon2|passwordHash/);
    const entries = (await entriesAbout(customer.userId)).filter((e) => e.action === 'customers.show');
    expect(entries).toEqual([
      expect.objectContaining({ actor: 'local:test-engineer', action: 'customers.show', subject: customer.userId, reason: 'support ticket 4411', details: { lookup: 'email', grant, emergency: false } }),
    ]);
    expect(entries[0].seq).toBe((outcome as { result: { auditSeq: number } }).result.auditSeq);
    expect(Number.isFinite(Date.parse(entries[0].at))).toBe(true);
  });

  it('when looked up by id with an incident reference and an explanation, it returns the record; an unlinked account shows billing null', async () => {
    const customer = await seedCustomer(documentClient, ACCOUNTS, { billing: undefined, name: null, emailVerified: false, verifiedAt: undefined });
    const grant = await grantInProcess(customer.userId);
    const outcome = await invokeOps('opsCustomers', 'show', { customer: customer.userId, reason: 'incident inc_8f3k2: customer cannot log in since Monday' });
    expect(outcome).toMatchObject({ ok: true, result: { customer: { id: customer.userId, name: null, verified: false, verifiedAt: null, billing: null } } });
    expect((await entriesAbout(customer.userId)).filter((e) => e.action === 'customers.show')).toEqual([
      expect.objectContaining({ details: { lookup: 'id', grant, emergency: false }, reason: 'incident inc_8f3k2: customer cannot log in since Monday' }),
    ]);
  });

  it('when the email differs only in case and spaces, it finds the customer', async () => {
    const customer = await seedCustomer(documentClient, ACCOUNTS);
    await grantInProcess(customer.userId);
    const outcome = await invokeOps('opsCustomers', 'show', { customer: `  ${customer.email.toUpperCase()} `, reason: 'INC-2041' });
    expect(outcome).toMatchObject({ ok: true, result: { customer: { id: customer.userId } } });
  });

  it.each([
    ['no reason', undefined, 'reason_required'],
    ['an empty reason', '   ', 'reason_required'],
    ['a vague reason', 'because', 'reason_too_vague'],
    ['punctuation padding', '...............!!', 'reason_too_vague'],
    ['an explanation without a reference', 'customer cannot log in since Monday', 'reason_too_vague'],
    ['15 repeated letters', 'aaaaaaaaaaaaaaa', 'reason_too_vague'],
    ['a control character', 'ticket 4411\u001b[2J', 'invalid_reason'],
    ['a reason over 500 characters', 'x '.repeat(300), 'reason_too_long'],
  ])('when given %s, it refuses with a 400, returns nothing and writes no audit entry', async (_label, reason, code) => {
    // Prepare
    const customer = await seedCustomer(documentClient, ACCOUNTS);
    // Act
    const outcome = await invokeOps('opsCustomers', 'show', { customer: customer.email, reason });
    // Assess
    expect(outcome).toEqual({ ok: false, error: { code, message: expect.any(String), status: 400 } });
    expect(JSON.stringify(outcome)).not.toContain(customer.userId);
    expect(await entriesAbout(customer.userId)).toEqual([]);
  });

  it('when no customer is named, it refuses with a 400', async () => {
    const outcome = await invokeOps('opsCustomers', 'show', { reason: 'ticket 1' });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'missing_argument', status: 400 } });
  });

  it('when the email or id is unknown, it answers a clear not-found and still records the attempt', async () => {
    const email = `nobody-${randomUUID()}@example.test`;
    const byEmail = await invokeOps('opsCustomers', 'show', { customer: email, reason: 'ticket 9001' });
    expect(byEmail).toEqual({ ok: false, error: { code: 'customer_not_found', message: `No customer with email ${email}.`, status: 404 } });
    expect(await entriesAbout(`email:${email}`)).toHaveLength(1);

    const id = `usr_${randomUUID().replace(/-/g, '')}`;
    await grantInProcess(id);
    const byId = await invokeOps('opsCustomers', 'show', { customer: id, reason: 'ticket 9002' });
    expect(byId).toMatchObject({ ok: false, error: { code: 'customer_not_found', status: 404 } });
    expect((await entriesAbout(id)).filter((e) => e.action === 'customers.show')).toHaveLength(1);
  });

  it('when the audit log cannot be written, it returns no record', async () => {
    // Prepare
    const customer = await seedCustomer(documentClient, ACCOUNTS);
    await grantInProcess(customer.userId);
    const spy = denyAuditWrites(documentClient);
    try {
      // Act
      const outcome = await invokeOps('opsCustomers', 'show', { customer: customer.email, reason: 'ticket 4411' });
      // Assess
      expect(outcome).toMatchObject({ ok: false, error: { status: 500 } });
      expect(JSON.stringify(outcome)).not.toContain(customer.email);
      const profileReads = spy.mock.calls.filter(([c]) => (c as { input?: { Key?: { pk?: string } } }).input?.Key?.pk === `USER#${customer.userId}`);
      expect(profileReads).toHaveLength(0);
    } finally {
      spy.mockRestore();
    }
  });
});
