import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { audit } from '../../../lib/audit';
import { documentClient } from '../../../lib/platform/aws/dynamodb';
import { setClock } from '../../../lib/platform/time';
import { seedCustomer } from '../../support/customers';
import { invokeOps, opsResult } from '../../support/ops';

const ACCOUNTS = process.env.ACCOUNTS_TABLE!;
const INCIDENTS = process.env.INCIDENTS_TABLE!;

describe('audit list (opsAudit), in-process against the emulator', () => {
  it('when entries were written, it verifies the whole chain and lists them in order', async () => {
    // Prepare
    const subject = `subject-${randomUUID()}`;
    const first = await audit({ actor: 'local:test', action: 'test.first', subject, reason: 'ticket 1' });
    const second = await audit({ actor: 'local:test', action: 'test.second', subject });
    // Act
    const listing = await opsResult<{ chain: { intact: boolean; entries: number; firstBreak: unknown }; entries: Array<Record<string, unknown>> }>('opsAudit', 'list');
    // Assess
    expect(listing.chain).toEqual({ intact: true, entries: expect.any(Number), firstBreak: null });
    const mine = listing.entries.filter((e) => e.subject === subject);
    expect(mine).toEqual([
      { seq: first.seq, at: first.at, actor: 'local:test', action: 'test.first', subject, reason: 'ticket 1', details: null, hash: first.hash, prevHash: first.prevHash },
      { seq: second.seq, at: second.at, actor: 'local:test', action: 'test.second', subject, reason: null, details: null, hash: second.hash, prevHash: second.prevHash },
    ]);
    const seqs = listing.entries.map((e) => e.seq as number);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });

  it('when --since is given, it lists only later entries but still verifies the whole chain', async () => {
    const subject = `subject-${randomUUID()}`;
    await audit({ actor: 'local:test', action: 'test.since', subject });
    const listing = await opsResult<{ chain: { intact: boolean; entries: number }; since: string; entries: unknown[] }>('opsAudit', 'list', { since: '2999-01-01' });
    expect(listing.entries).toEqual([]);
    expect(listing.since).toBe('2999-01-01T00:00:00.000Z');
    expect(listing.chain.entries).toBeGreaterThan(0);
  });

  it.each(['yesterday', '2026-13-01', '1700000000'])('when --since is %p, it refuses with a 400', async (since) => {
    const outcome = await invokeOps('opsAudit', 'list', { since });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'invalid_since', status: 400 } });
  });
});

describe('insights (opsInsights), in-process against the emulator', () => {
  afterEach(() => setClock(undefined));

  it('when accounts and incidents exist, it returns only aggregates, with counts under 5 shown as "<5"', async () => {
    // Prepare: unique plan and status names, since other test files share the tables.
    setClock('2026-11-24T12:00:00Z');
    const [bigPlan, smallPlan, bigStatus, smallStatus] = [`plan-${randomUUID()}`, `plan-${randomUUID()}`, `status-${randomUUID()}`, `status-${randomUUID()}`];
    const seeded = [
      ...(await Promise.all(Array.from({ length: 6 }, (_, i) => seedCustomer(documentClient, ACCOUNTS, { createdAt: `2025-01-0${6 + (i % 3)}T09:00:00.000Z`, billing: { status: i % 2 ? 'active' : 'trialing', plan: bigPlan } })))),
      ...(await Promise.all(Array.from({ length: 2 }, () => seedCustomer(documentClient, ACCOUNTS, { createdAt: '2025-01-20T09:00:00.000Z', billing: { status: 'active', plan: smallPlan } })))),
      await seedCustomer(documentClient, ACCOUNTS, { createdAt: '2025-01-20T09:00:00.000Z', billing: { status: 'canceled', plan: smallPlan } }),
    ];
    const incident = (status: string) => ({ pk: `INCIDENT#inc_${randomUUID()}`, sk: 'META', entity: 'incident', status, createdAt: '2026-11-02T09:00:00.000Z', reporterEmail: 'reporter@example.test' });
    for (const status of [...Array(5).fill(bigStatus), smallStatus]) await documentClient.send(new PutCommand({ TableName: INCIDENTS, Item: incident(status) }));
    // Not an incident: another item type in the same table must not be counted.
    await documentClient.send(new PutCommand({ TableName: INCIDENTS, Item: { ...incident(smallStatus), sk: 'UPDATE#1', entity: 'update' } }));

    // Act
    const outcome = await invokeOps('opsInsights', 'summary', { weeks: '104' });

    // Assess
    expect(outcome.ok).toBe(true);
    const result = (outcome as { result: Record<string, any> }).result; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(result.generatedAt).toBe('2026-11-24T12:00:00.000Z');
    expect(result.activeSubscriptionsByPlan[bigPlan]).toBe(6);
    expect(result.activeSubscriptionsByPlan[smallPlan]).toBe('<5');
    expect(result.incidents.byStatus[bigStatus]).toBe(5);
    expect(result.incidents.byStatus[smallStatus]).toBe('<5');
    expect(result.signupsPerWeek).toHaveLength(104);
    expect(result.signupsPerWeek.find((w: { weekStarting: string }) => w.weekStarting === '2025-01-06')).toEqual({ weekStarting: '2025-01-06', signups: 6 });
    expect(result.signupsPerWeek.find((w: { weekStarting: string }) => w.weekStarting === '2025-01-20')).toEqual({ weekStarting: '2025-01-20', signups: '<5' });
    expect(result.signupsPerWeek.at(-1).weekStarting).toBe('2026-11-23');
    const text = JSON.stringify(result);
    for (const c of seeded) {
      expect(text).not.toContain(c.email);
      expect(text).not.toContain(c.userId);
    }
    expect(text).not.toMatch(/argon2|reporter@|cus_|sub_/);
  });

  it.each(['0', '105', 'many'])('when --weeks is %p, it refuses with a 400', async (weeks) => {
    const outcome = await invokeOps('opsInsights', 'summary', { weeks });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'invalid_argument', status: 400 } });
  });
});
