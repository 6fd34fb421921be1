import { randomUUID } from 'node:crypto';
import { auditStore } from '../../../lib/audit';
import type { AuditEntry } from '../../../lib/audit/audit-log';
import { documentClient } from '../../../lib/platform/aws/dynamodb';
import { setClock } from '../../../lib/platform/time';
import { seedCustomer } from '../../support/customers';
import { mailTo } from '../../support/mail';
import { invokeOps } from '../../support/ops';

const ACCOUNTS = process.env.ACCOUNTS_TABLE!;
const as = (engineer: string) => ({ localEngineer: engineer });

async function entriesAbout(subject: string): Promise<AuditEntry[]> {
  const found: AuditEntry[] = [];
  for await (const entry of auditStore().all()) if (entry.subject === subject) found.push(entry);
  return found;
}

async function request(customer: string, engineer: string, extra: Record<string, unknown> = {}) {
  const outcome = await invokeOps('opsAccess', 'request', { customer, reason: 'ticket 4411', ...extra }, as(engineer));
  if (!outcome.ok) throw new Error(`request refused: ${outcome.error.code}`);
  return outcome.result as { grant: string; status: string; expiresAt: string; emergency: boolean; alerted: boolean | null };
}

const show = (customer: string, engineer: string) => invokeOps('opsCustomers', 'show', { customer, reason: 'ticket 4411' }, as(engineer));

describe('grants (opsAccess) and customers show, in-process against the emulator', () => {
  afterEach(() => setClock(undefined));

  it('a request is pending; another engineer approves; then, and only then, the requester reads the record', async () => {
    const customer = await seedCustomer(documentClient, ACCOUNTS);
    const grant = await request(customer.email, 'alice', { minutes: '30' });
    expect(grant).toMatchObject({ status: 'pending', emergency: false, alerted: null });

    expect(await show(customer.userId, 'alice')).toMatchObject({ ok: false, error: { code: 'grant_required', status: 403 } });

    const approved = await invokeOps('opsAccess', 'approve', { grant: grant.grant }, as('bob'));
    expect(approved).toMatchObject({ ok: true, result: { status: 'active', approver: 'bob', requester: 'alice', minutes: 30 } });

    const read = await show(customer.userId, 'alice');
    expect(read).toMatchObject({ ok: true, result: { customer: { id: customer.userId }, grant: grant.grant } });

    expect((await entriesAbout(customer.userId)).map((e) => [e.action, e.actor, e.details?.refusal ?? e.details?.grant ?? null])).toEqual([
      ['access.request', 'local:alice', grant.grant],
      ['access.refused', 'local:alice', 'grant_required'],
      ['access.approve', 'local:bob', grant.grant],
      ['customers.show', 'local:alice', grant.grant],
    ]);
  });

  it('the requester cannot approve their own grant (refused and audited)', async () => {
    const customer = await seedCustomer(documentClient, ACCOUNTS);
    const grant = await request(customer.userId, 'alice');
    expect(await invokeOps('opsAccess', 'approve', { grant: grant.grant }, as('alice'))).toMatchObject({ ok: false, error: { code: 'self_approval', status: 403 } });
    expect(await show(customer.userId, 'alice')).toMatchObject({ ok: false, error: { code: 'grant_required' } });
    expect((await entriesAbout(customer.userId)).map((e) => e.details?.refusal ?? e.action)).toEqual(['access.request', 'self_approval', 'grant_required']);
  });

  it('another engineer cannot use someone else’s grant', async () => {
    const customer = await seedCustomer(documentClient, ACCOUNTS);
    const grant = await request(customer.userId, 'alice');
    await invokeOps('opsAccess', 'approve', { grant: grant.grant }, as('bob'));
    expect(await show(customer.userId, 'bob')).toMatchObject({ ok: false, error: { code: 'grant_required', status: 403 } });
    expect(await show(customer.userId, 'mallory')).toMatchObject({ ok: false, error: { code: 'grant_required', status: 403 } });
  });

  it('a grant for one customer does not open another', async () => {
    const [one, other] = [await seedCustomer(documentClient, ACCOUNTS), await seedCustomer(documentClient, ACCOUNTS)];
    const grant = await request(one.userId, 'alice');
    await invokeOps('opsAccess', 'approve', { grant: grant.grant }, as('bob'));
    expect(await show(other.userId, 'alice')).toMatchObject({ ok: false, error: { code: 'grant_required' } });
  });

  it('an approved grant expires after its minutes, checked at use; the expiry is audited once', async () => {
    const customer = await seedCustomer(documentClient, ACCOUNTS);
    const start = Date.parse('2026-12-07T09:00:00.000Z') + Math.floor(Math.random() * 1e9);
    setClock(start);
    const grant = await request(customer.userId, 'alice', { minutes: '15' });
    await invokeOps('opsAccess', 'approve', { grant: grant.grant }, as('bob'));
    setClock(start + 14 * 60_000);
    expect(await show(customer.userId, 'alice')).toMatchObject({ ok: true });
    setClock(start + 15 * 60_000 + 1);
    expect(await show(customer.userId, 'alice')).toMatchObject({ ok: false, error: { code: 'grant_required', status: 403 } });
    expect(await show(customer.userId, 'alice')).toMatchObject({ ok: false, error: { code: 'grant_required' } });
    const actions = (await entriesAbout(customer.userId)).map((e) => e.action);
    expect(actions).toEqual(['access.request', 'access.approve', 'customers.show', 'access.expire', 'access.refused', 'access.refused']);
  });

  it('a request nobody approved in time cannot be approved any more (approval racing expiry: the expiry wins once)', async () => {
    const customer = await seedCustomer(documentClient, ACCOUNTS);
    const start = Date.parse('2026-12-08T09:00:00.000Z') + Math.floor(Math.random() * 1e9);
    setClock(start);
    const grant = await request(customer.userId, 'alice');
    setClock(start + 61 * 60_000);
    expect(await invokeOps('opsAccess', 'approve', { grant: grant.grant }, as('bob'))).toMatchObject({ ok: false, error: { code: 'grant_expired', status: 409 } });
    expect((await entriesAbout(customer.userId)).map((e) => e.details?.refusal ?? e.action)).toEqual(['access.request', 'access.expire', 'grant_expired']);
  });

  it('two engineers approving at once: exactly one approval is written, the other is refused', async () => {
    const customer = await seedCustomer(documentClient, ACCOUNTS);
    const grant = await request(customer.userId, 'alice');
    const outcomes = await Promise.all(['bob', 'carol', 'dave', 'erin'].map((e) => invokeOps('opsAccess', 'approve', { grant: grant.grant }, as(e))));
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
    for (const o of outcomes.filter((x) => !x.ok)) expect(o).toMatchObject({ error: { code: 'grant_active', status: 409 } });
    expect((await entriesAbout(customer.userId)).filter((e) => e.action === 'access.approve')).toHaveLength(1);
  });

  it('an emergency grant is in force at once, mails the security team and is flagged in the audit log', async () => {
    const customer = await seedCustomer(documentClient, ACCOUNTS);
    const grant = await request(customer.userId, 'alice', { emergency: true, minutes: '20', reason: 'INC-2041 outage' });
    expect(grant).toMatchObject({ status: 'active', emergency: true, alerted: true });
    expect(await show(customer.userId, 'alice')).toMatchObject({ ok: true, result: { grant: grant.grant } });
    const entries = await entriesAbout(customer.userId);
    expect(entries[0]).toMatchObject({ action: 'access.emergency', details: { emergency: true, grant: grant.grant, minutes: 20 } });
    expect(entries[1]).toMatchObject({ action: 'customers.show', details: { emergency: true, grant: grant.grant } });
    const mails = await mailTo(process.env.SECURITY_TEAM_EMAIL!);
    expect(mails.some((m) => m.subject?.includes(customer.userId) && /Emergency access/.test(m.subject ?? ''))).toBe(true);
  });

  it.each([
    ['more than 240 minutes', { minutes: '241' }, 'invalid_argument'],
    ['no reason', { reason: undefined }, 'reason_required'],
    ['a vague reason', { reason: 'just looking' }, 'reason_too_vague'],
    ['a customer that is not an id or email', { customer: 'usr_1\n9 local:x customers.show usr_2' }, 'invalid_customer'],
  ])('a request with %s is a 400 and writes nothing', async (_label, extra, code) => {
    const customer = await seedCustomer(documentClient, ACCOUNTS);
    const outcome = await invokeOps('opsAccess', 'request', { customer: customer.userId, reason: 'ticket 1', ...extra }, as('alice'));
    expect(outcome).toMatchObject({ ok: false, error: { code, status: 400 } });
    expect(await entriesAbout(customer.userId)).toEqual([]);
  });

  it('approving an unknown or malformed grant is a clear 404 / 400', async () => {
    expect(await invokeOps('opsAccess', 'approve', { grant: `gr_000000000${'0'.repeat(20)}` }, as('bob'))).toMatchObject({ ok: false, error: { code: 'grant_not_found', status: 404 } });
    expect(await invokeOps('opsAccess', 'approve', { grant: 'gr_x\u001b[2K' }, as('bob'))).toMatchObject({ ok: false, error: { code: 'invalid_argument', status: 400 } });
  });

  it('access grants lists newest first; --active only those in force', async () => {
    const customer = await seedCustomer(documentClient, ACCOUNTS);
    const a = await request(customer.userId, `alice-${randomUUID().slice(0, 8)}`);
    const b = await request(customer.userId, 'alice');
    await invokeOps('opsAccess', 'approve', { grant: b.grant }, as('bob'));
    const all = (await invokeOps('opsAccess', 'list', {}, as('carol'))) as { ok: true; result: Array<{ grant: string; status: string }> };
    const ids = all.result.map((g) => g.grant);
    expect(ids.indexOf(b.grant)).toBeLessThan(ids.indexOf(a.grant));
    const active = (await invokeOps('opsAccess', 'list', { active: true }, as('carol'))) as { ok: true; result: Array<{ grant: string; status: string }> };
    expect(active.result.map((g) => g.grant)).toContain(b.grant);
    expect(active.result.map((g) => g.grant)).not.toContain(a.grant);
    expect(active.result.every((g) => g.status === 'active')).toBe(true);
  });
});
