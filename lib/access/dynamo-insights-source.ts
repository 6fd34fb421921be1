import { scanItems as scan } from '../platform/aws/dynamodb';
import type { AccountFacts, IncidentFacts, InsightsSource } from './insights';

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/**
 * The one place besides backups that scans: insights must see every account and incident to
 * count them. Projections fetch only the attributes the counts need (no email, name, hash, note).
 */
export function dynamoInsightsSource(tables: { accounts: string; incidents: string }): InsightsSource {
  return {
    async *accounts(): AsyncIterable<AccountFacts> {
      const items = scan({
        TableName: tables.accounts,
        FilterExpression: 'begins_with(pk, :user) AND sk = :profile',
        ProjectionExpression: 'createdAt, emailVerified, billing.#status, billing.#plan',
        ExpressionAttributeNames: { '#status': 'status', '#plan': 'plan' },
        ExpressionAttributeValues: { ':user': 'USER#', ':profile': 'PROFILE' },
      });
      for await (const item of items) {
        const billing = (item.billing ?? {}) as Record<string, unknown>;
        yield { createdAt: str(item.createdAt), emailVerified: item.emailVerified === true, billingStatus: str(billing.status), billingPlan: str(billing.plan) };
      }
    },
    async *incidents(): AsyncIterable<IncidentFacts> {
      const items = scan({
        TableName: tables.incidents,
        FilterExpression: 'sk = :meta AND entity = :incident',
        ProjectionExpression: '#status, createdAt, acknowledgedAt',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':meta': 'META', ':incident': 'incident' },
      });
      for await (const item of items) yield { status: str(item.status), createdAt: str(item.createdAt), acknowledgedAt: str(item.acknowledgedAt) };
    },
  };
}
