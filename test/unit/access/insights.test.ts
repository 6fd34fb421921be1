import { computeInsights, median, suppress, weekStarting, type AccountFacts, type IncidentFacts } from '../../../lib/access/insights';

async function* from<T>(items: T[]): AsyncIterable<T> {
  for (const item of items) yield item;
}

const NOW = Date.parse('2026-11-25T12:00:00Z'); // a Wednesday

describe('insights aggregation', () => {
  it('counts under 5 are "<5", from 5 on they are exact', () => {
    expect([0, 1, 4, 5, 6].map(suppress)).toEqual(['<5', '<5', '<5', 5, 6]);
  });

  it('weeks start on Monday, UTC', () => {
    expect(weekStarting(Date.parse('2026-11-23T00:00:00Z'))).toBe('2026-11-23');
    expect(weekStarting(Date.parse('2026-11-29T23:59:59Z'))).toBe('2026-11-23');
    expect(weekStarting(Date.parse('2026-11-30T00:00:00Z'))).toBe('2026-11-30');
    expect(weekStarting(Date.parse('2027-01-01T10:00:00Z'))).toBe('2026-12-28');
  });

  it('the median of an even count is the mean of the middle two', () => {
    expect(median([4, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('when given accounts and incidents, it returns counts, active subscriptions by plan and the median time to acknowledge', async () => {
    // Prepare
    const accounts: AccountFacts[] = [
      ...Array.from({ length: 7 }, (_, i) => ({ createdAt: '2026-11-24T10:00:00Z', emailVerified: i < 5, billingStatus: 'active', billingPlan: 'team' })),
      { createdAt: '2026-11-10T10:00:00Z', emailVerified: true, billingStatus: 'trialing', billingPlan: 'solo' },
      { createdAt: '2026-11-10T10:00:00Z', billingStatus: 'canceled', billingPlan: 'solo' },
      { createdAt: '2020-01-01T00:00:00Z' },
      { createdAt: 'not a date', billingStatus: 'active' },
    ];
    const ack = (hours: number): IncidentFacts => ({ status: 'acknowledged', createdAt: '2026-11-02T09:00:00Z', acknowledgedAt: new Date(Date.parse('2026-11-02T09:00:00Z') + hours * 3_600_000).toISOString() });
    const incidents: IncidentFacts[] = [ack(1), ack(2), ack(3), ack(10), ack(20), { status: 'received', createdAt: '2026-11-24T09:00:00Z' }, { status: 'received' }];
    // Act
    const insights = await computeInsights({ accounts: () => from(accounts), incidents: () => from(incidents) }, { now: NOW, weeks: 3 });
    // Assess
    expect(insights).toEqual({
      generatedAt: '2026-11-25T12:00:00.000Z',
      accounts: { total: 11, verified: 6 },
      signupsPerWeek: [
        { weekStarting: '2026-11-09', signups: '<5' },
        { weekStarting: '2026-11-16', signups: '<5' },
        { weekStarting: '2026-11-23', signups: 7 },
      ],
      activeSubscriptionsByPlan: { solo: '<5', team: 7, unknown: '<5' },
      incidents: { total: 7, byStatus: { acknowledged: 5, received: '<5' }, acknowledged: 5, medianHoursToAcknowledge: 3 },
    });
  });

  it('when fewer than 5 incidents were acknowledged, it withholds the median (it would describe individual incidents)', async () => {
    const incidents: IncidentFacts[] = [{ status: 'acknowledged', createdAt: '2026-11-02T09:00:00Z', acknowledgedAt: '2026-11-02T10:00:00Z' }];
    const insights = await computeInsights({ accounts: () => from([]), incidents: () => from(incidents) }, { now: NOW, weeks: 1 });
    expect(insights.incidents).toEqual({ total: '<5', byStatus: { acknowledged: '<5' }, acknowledged: '<5', medianHoursToAcknowledge: null });
  });
});
