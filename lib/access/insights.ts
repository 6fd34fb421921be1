/**
 * Aggregated snapshots for the business: counts and a median, never a record. Any count under
 * SMALL_COUNT is shown as "<5" so a small group cannot be singled out, and the median time to
 * acknowledge is withheld when it would summarise fewer than SMALL_COUNT incidents (a median of
 * one incident is that incident).
 */
export const SMALL_COUNT = 5;
export const SUPPRESSED = '<5' as const;
export type Count = number | typeof SUPPRESSED;

export interface AccountFacts {
  createdAt?: string;
  emailVerified?: boolean;
  billingStatus?: string;
  billingPlan?: string;
}

export interface IncidentFacts {
  status?: string;
  createdAt?: string;
  acknowledgedAt?: string;
}

export interface InsightsSource {
  accounts(): AsyncIterable<AccountFacts>;
  incidents(): AsyncIterable<IncidentFacts>;
}

export interface Insights {
  generatedAt: string;
  accounts: { total: Count; verified: Count };
  signupsPerWeek: Array<{ weekStarting: string; signups: Count }>;
  activeSubscriptionsByPlan: Record<string, Count>;
  incidents: {
    total: Count;
    byStatus: Record<string, Count>;
    acknowledged: Count;
    /** null when fewer than SMALL_COUNT incidents were acknowledged. */
    medianHoursToAcknowledge: number | null;
  };
}

export const ACTIVE_SUBSCRIPTION_STATUSES = new Set(['active', 'trialing']);

export function suppress(count: number): Count {
  return count < SMALL_COUNT ? SUPPRESSED : count;
}

const DAY_MS = 86_400_000;

/** The Monday (UTC) of the ISO week holding `epochMs`, as YYYY-MM-DD. */
export function weekStarting(epochMs: number): string {
  const day = new Date(epochMs);
  const midnight = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate());
  const sinceMonday = (day.getUTCDay() + 6) % 7;
  return new Date(midnight - sinceMonday * DAY_MS).toISOString().slice(0, 10);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const countMap = (counts: Map<string, number>): Record<string, Count> =>
  Object.fromEntries([...counts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, suppress(v)]));

export async function computeInsights(source: InsightsSource, options: { now: number; weeks: number }): Promise<Insights> {
  const weeks: string[] = [];
  const thisWeek = Date.parse(`${weekStarting(options.now)}T00:00:00Z`);
  for (let i = options.weeks - 1; i >= 0; i -= 1) weeks.push(weekStarting(thisWeek - i * 7 * DAY_MS));
  const signups = new Map(weeks.map((w) => [w, 0]));

  let total = 0;
  let verified = 0;
  const plans = new Map<string, number>();
  for await (const account of source.accounts()) {
    total += 1;
    if (account.emailVerified === true) verified += 1;
    const created = account.createdAt ? Date.parse(account.createdAt) : Number.NaN;
    if (Number.isFinite(created)) {
      const week = weekStarting(created);
      if (signups.has(week)) signups.set(week, signups.get(week)! + 1);
    }
    if (account.billingStatus && ACTIVE_SUBSCRIPTION_STATUSES.has(account.billingStatus)) {
      const plan = account.billingPlan || 'unknown';
      plans.set(plan, (plans.get(plan) ?? 0) + 1);
    }
  }

  let incidentTotal = 0;
  const statuses = new Map<string, number>();
  const hoursToAck: number[] = [];
  for await (const incident of source.incidents()) {
    incidentTotal += 1;
    const status = incident.status || 'unknown';
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
    const created = incident.createdAt ? Date.parse(incident.createdAt) : Number.NaN;
    const acked = incident.acknowledgedAt ? Date.parse(incident.acknowledgedAt) : Number.NaN;
    if (Number.isFinite(created) && Number.isFinite(acked) && acked >= created) hoursToAck.push((acked - created) / 3_600_000);
  }

  return {
    generatedAt: new Date(options.now).toISOString(),
    accounts: { total: suppress(total), verified: suppress(verified) },
    signupsPerWeek: weeks.map((week) => ({ weekStarting: week, signups: suppress(signups.get(week)!) })),
    activeSubscriptionsByPlan: countMap(plans),
    incidents: {
      total: suppress(incidentTotal),
      byStatus: countMap(statuses),
      acknowledged: suppress(hoursToAck.length),
      medianHoursToAcknowledge: hoursToAck.length >= SMALL_COUNT ? Math.round(median(hoursToAck) * 10) / 10 : null,
    },
  };
}
