import { accessLogItem, readAccessLog, type AccessLogItem, type AccessLogSource } from '../../../lib/access/access-log';
import { referenceOf } from '../../../lib/access/reason';

describe('referenceOf: what a customer sees of an engineer’s reason', () => {
  it.each([
    ['ticket 4411: customer cannot log in, see bob@example.com', 'ticket 4411'],
    ['INC-2041 outage for usr_other', 'INC-2041'],
    ['re #1234 (Ada asked)', '#1234'],
    ['incident inc_8f3k2 follow-up', 'incident inc_8f3k2'],
    ['see OPS-7, then ticket 9', 'OPS-7'],
  ])('%j → %j (the reference alone, never the free text)', (reason, expected) => {
    expect(referenceOf(reason)).toBe(expected);
  });

  it('is null when there is no reason', () => {
    expect(referenceOf(undefined)).toBeNull();
    expect(referenceOf('')).toBeNull();
  });
});

describe('readAccessLog', () => {
  const items: Record<string, AccessLogItem[]> = {
    'customer:usr_a': [
      accessLogItem({ customerId: 'usr_a', at: '2026-12-03T10:00:00.000Z', kind: 'record-read', reason: 'ticket 1 for Ada', role: 'Engineer' }),
      accessLogItem({ customerId: 'usr_a', at: '2026-12-01T10:00:00.000Z', kind: 'emergency-access', reason: 'INC-9 outage', role: 'BreakGlass' }),
    ],
    everyone: [
      accessLogItem({ at: '2026-12-02T04:00:00.000Z', kind: 'restore-drill', role: 'Automated' }),
      accessLogItem({ at: '2026-10-01T04:00:00.000Z', kind: 'restore', reason: 'ticket 7 restore usr_b', role: 'Engineer', table: 'accounts' }),
    ],
  };
  const source: AccessLogSource = {
    async items(scope, { sinceIso }) {
      return (items[scope] ?? []).filter((i) => !sinceIso || i.at >= sinceIso).sort((a, b) => (a.at < b.at ? 1 : -1));
    },
  };

  it('merges the customer’s own entries with every-customer operations since the account existed, newest first, with no names or free text', async () => {
    const log = await readAccessLog(source, { id: 'usr_a', createdAt: '2026-11-01T00:00:00.000Z' });
    expect(log).toEqual([
      { at: '2026-12-03T10:00:00.000Z', kind: 'record-read', action: 'An engineer viewed your account record', reference: 'ticket 1', role: 'Engineering', emergency: false },
      { at: '2026-12-02T04:00:00.000Z', kind: 'restore-drill', action: expect.stringContaining('restore drill'), reference: null, role: 'Automated job', emergency: false },
      { at: '2026-12-01T10:00:00.000Z', kind: 'emergency-access', action: expect.stringContaining('Emergency'), reference: 'INC-9', role: 'Engineering (break-glass)', emergency: true },
    ]);
    expect(JSON.stringify(log)).not.toMatch(/Ada|usr_b|outage/);
  });

  it('another customer sees none of this customer’s entries', async () => {
    const log = await readAccessLog(source, { id: 'usr_b', createdAt: '2026-01-01T00:00:00.000Z' });
    expect(log.map((e) => e.kind)).toEqual(['restore-drill', 'restore']);
    expect(log[1].reference).toBe('ticket 7');
  });
});
