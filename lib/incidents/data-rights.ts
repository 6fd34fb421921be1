import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { deletedTest, ledgerView, scrubDocument } from '../data-rights/ledger';
import type { DataRightsPart, DataSubject } from '../data-rights/part';
import { documentClient, scanItems } from '../platform/aws/dynamodb';

/**
 * Incidents' part of a customer's data rights. The reports a customer made (by the web form while
 * signed in, or from their address) are exported with what the reporter may see: their own words,
 * the status and the reporter-visible updates, never internal notes. Erasing keeps each report (a
 * security record: the advisory, its credit, the timeline) but removes the person from it: every
 * value naming their address or account becomes empty, with the same rule a restore applies
 * (lib/data-rights/ledger.ts scrubDocument, the live twin of scrubItem). A credit already published stays as published.
 *
 * Finding a person's reports reads the table with a filter (no index by reporter): the incidents
 * table holds security reports, a few thousand items, and exports and deletions are rare.
 */
export function incidentsDataRights(options: { incidentsTable: string }): DataRightsPart {
  async function reportedBy(subject: DataSubject): Promise<Array<Record<string, unknown>>> {
    const found: Array<Record<string, unknown>> = [];
    for await (const item of scanItems({
      TableName: options.incidentsTable,
      FilterExpression: 'entity = :incident AND (email = :email OR userId = :userId)',
      ExpressionAttributeValues: { ':incident': 'incident', ':email': subject.email, ':userId': subject.userId },
      ConsistentRead: true,
    })) {
      found.push(item);
    }
    return found;
  }
  async function partition(id: string): Promise<Array<Record<string, unknown>>> {
    const out = await documentClient.send(
      new QueryCommand({ TableName: options.incidentsTable, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `INCIDENT#${id}` }, ConsistentRead: true }),
    );
    return out.Items ?? [];
  }
  return {
    name: 'incidents',
    covers: {
      // The incident and every item of its partition (timeline entries, the advisory).
      incidents: (item) => typeof item.pk === 'string' && item.pk.startsWith('INCIDENT#'),
    },
    async export(subject) {
      const incidents = [];
      for (const incident of await reportedBy(subject)) {
        const items = await partition(String(incident.id));
        const events = items.filter((i) => i.entity === 'incident-event');
        incidents.push({
          id: incident.id,
          status: incident.status,
          scope: incident.scope,
          summary: incident.summary,
          details: incident.details,
          creditAs: incident.creditAs ?? null,
          createdAt: incident.createdAt,
          acknowledgedAt: incident.acknowledgedAt ?? null,
          contact: incident.contact ?? null,
          updates: events.filter((e) => e.kind === 'note' && e.visibility === 'public').map((e) => ({ at: e.at, message: e.message ?? '' })),
          yourMessages: events.filter((e) => e.kind === 'message').map((e) => ({ at: e.at, via: e.via ?? null, message: e.message ?? '' })),
        });
      }
      return { incidents };
    },
    async erase(subject) {
      // The subject's own id and address, as a one-entry ledger: the restore's rule, applied live.
      const digest = 'subject';
      const isDeleted = deletedTest(ledgerView([{ userId: subject.userId, emailDigest: digest }]), (email) => (email === subject.email ? digest : undefined));
      for (const incident of await reportedBy(subject)) {
        for (const item of await partition(String(incident.id))) {
          const scrubbed = scrubDocument(item, isDeleted);
          if (JSON.stringify(scrubbed) === JSON.stringify(item)) continue;
          await documentClient.send(new PutCommand({ TableName: options.incidentsTable, Item: scrubbed }));
        }
      }
    },
  };
}
