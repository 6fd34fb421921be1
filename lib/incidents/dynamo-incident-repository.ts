import { randomBytes } from 'node:crypto';
import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, queryAll } from '../platform/aws/dynamodb';
import { awsErrorName } from '../platform/aws/errors';
import type { Advisory, Incident, IncidentStatus, TimelineEvent } from './model';
import type { IncidentRepository } from './repository';

/**
 * The incidents table. Layout (one partition per incident):
 * - `pk = INCIDENT#<id>`, `sk = META`: the incident (`entity = 'incident'`, `status`, `scope`,
 *   `createdAt`, `acknowledgedAt` ISO or null — the contract insights relies on); `gsi1pk =
 *   STATUS#<status>`, `gsi1sk = <createdAt>#<id>` lists incidents by status without a Scan.
 * - `sk = EVENT#<at>#<random>`: timeline entries (`entity = 'incident-event'`), oldest first.
 * - `sk = ADVISORY`: the public advisory, written only by publish (`entity = 'advisory'`,
 *   `gsi1pk = ADVISORY`), so the public list reads nothing but public fields.
 */
const META = 'META';
const ADVISORY = 'ADVISORY';
const incidentKey = (id: string) => ({ pk: `INCIDENT#${id}`, sk: META });
const statusPartition = (status: IncidentStatus) => `STATUS#${status}`;

const INCIDENT_FIELDS = [
  'id', 'status', 'scope', 'email', 'summary', 'details', 'creditAs', 'userId', 'trackingTokenDigest', 'createdAt', 'acknowledgeBy',
  'acknowledgedAt', 'contact', 'contactEmail', 'lastReporterUpdateAt', 'escalatedAt', 'reminderSentFor', 'resolvedAt', 'publishedAt',
  'closedAt', 'updatedAt', 'source', 'flags', 'rawMessageKey',
] as const satisfies ReadonlyArray<keyof Incident>;

/** Fields that are absent until set, so conditions can say attribute_not_exists. */
const ABSENT_UNTIL_SET = new Set<string>(['escalatedAt', 'reminderSentFor']);

function toIncident(item: Record<string, unknown>): Incident {
  const out: Record<string, unknown> = {};
  for (const field of INCIDENT_FIELDS) out[field] = item[field] ?? null;
  return out as unknown as Incident;
}

function eventItem(id: string, event: TimelineEvent): Record<string, unknown> {
  return { pk: `INCIDENT#${id}`, sk: `EVENT#${event.at}#${randomBytes(4).toString('hex')}`, entity: 'incident-event', incidentId: id, ...event };
}

function toEvent(item: Record<string, unknown>): TimelineEvent {
  const { at, actor, kind, visibility, from, to, message, via, attachments, rawMessageKey } = item as unknown as TimelineEvent;
  return {
    at,
    actor,
    kind,
    visibility,
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(message !== undefined ? { message } : {}),
    ...(via ? { via } : {}),
    ...(attachments ? { attachments } : {}),
    ...(rawMessageKey ? { rawMessageKey } : {}),
  };
}

function isConditionFailure(error: unknown): boolean {
  const name = awsErrorName(error);
  if (name === 'ConditionalCheckFailedException') return true;
  if (name === 'TransactionCanceledException') {
    const reasons = (error as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? [];
    // Only a failed condition is an outcome; a conflict or throttle stays an error (retryable).
    return reasons.some((r) => r.Code === 'ConditionalCheckFailed') || /ConditionalCheckFailed/.test(String((error as Error).message));
  }
  return false;
}

export function dynamoIncidentRepository(tableName: string): IncidentRepository {
  return {
    async create(incident, event) {
      const item: Record<string, unknown> = {
        ...incidentKey(incident.id),
        entity: 'incident',
        gsi1pk: statusPartition(incident.status),
        gsi1sk: `${incident.createdAt}#${incident.id}`,
      };
      for (const field of INCIDENT_FIELDS) {
        const value = incident[field];
        if (value === null && ABSENT_UNTIL_SET.has(field)) continue;
        item[field] = value;
      }
      await documentClient.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
            { Put: { TableName: tableName, Item: eventItem(incident.id, event) } },
          ],
        }),
      );
    },

    async get(id) {
      const out = await documentClient.send(new GetCommand({ TableName: tableName, Key: incidentKey(id), ConsistentRead: true }));
      return out.Item && out.Item.entity === 'incident' ? toIncident(out.Item) : undefined;
    },

    async timeline(id) {
      const items = await queryAll({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': `INCIDENT#${id}`, ':prefix': 'EVENT#' },
        ConsistentRead: true,
      });
      return items.map(toEvent);
    },

    async update(id, change) {
      const names: Record<string, string> = { '#pk': 'pk' };
      const values: Record<string, unknown> = {};
      const sets: string[] = [];
      const entries = Object.entries(change.set).filter(([, v]) => v !== undefined);
      if (change.set.status) entries.push(['gsi1pk', statusPartition(change.set.status)]);
      entries.forEach(([field, value], i) => {
        names[`#f${i}`] = field;
        values[`:v${i}`] = value;
        sets.push(`#f${i} = :v${i}`);
      });
      let condition = 'attribute_exists(#pk)';
      if (change.expectedStatus) {
        names['#status'] = 'status';
        values[':expected'] = change.expectedStatus;
        condition += ' AND #status = :expected';
      }
      const transactItems: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> = [
        {
          Update: {
            TableName: tableName,
            Key: incidentKey(id),
            UpdateExpression: `SET ${sets.join(', ')}`,
            ConditionExpression: condition,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          },
        },
        { Put: { TableName: tableName, Item: eventItem(id, change.event) } },
      ];
      if (change.advisory) {
        const a = change.advisory;
        transactItems.push({
          Put: {
            TableName: tableName,
            Item: { pk: `INCIDENT#${id}`, sk: ADVISORY, entity: 'advisory', gsi1pk: 'ADVISORY', gsi1sk: `${a.publishedAt}#${id}`, ...a },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        });
      }
      try {
        await documentClient.send(new TransactWriteCommand({ TransactItems: transactItems }));
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },

    async appendEvent(id, event) {
      await documentClient.send(new PutCommand({ TableName: tableName, Item: eventItem(id, event) }));
    },

    async listByStatus(status) {
      const items = await queryAll({
        TableName: tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': statusPartition(status) },
        ScanIndexForward: false,
      });
      return items.filter((i) => i.entity === 'incident').map(toIncident);
    },

    async advisories() {
      const items = await queryAll({
        TableName: tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': 'ADVISORY' },
        ScanIndexForward: false,
      });
      return items
        .filter((i) => i.entity === 'advisory')
        .map((i) => {
          const { id, title, summary, resolvedAt, publishedAt, credits } = i as unknown as Advisory;
          return { id, title, summary, resolvedAt, publishedAt, credits: credits ?? [] };
        });
    },

    async claimEscalation(id, at) {
      try {
        // Once per incident, however many runs overlap: only the first writer finds escalatedAt absent.
        await documentClient.send(
          new UpdateCommand({
            TableName: tableName,
            Key: incidentKey(id),
            UpdateExpression: 'SET escalatedAt = :at',
            ConditionExpression: '#status = :received AND attribute_not_exists(escalatedAt)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':at': at, ':received': 'received' },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },

    async releaseEscalation(id, at) {
      try {
        await documentClient.send(
          new UpdateCommand({
            TableName: tableName,
            Key: incidentKey(id),
            UpdateExpression: 'REMOVE escalatedAt',
            ConditionExpression: 'escalatedAt = :at',
            ExpressionAttributeValues: { ':at': at },
          }),
        );
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    },

    async claimReminder(id, status, lastReporterUpdateAt) {
      try {
        // One reminder per silence: a new public update changes lastReporterUpdateAt and re-arms it.
        await documentClient.send(
          new UpdateCommand({
            TableName: tableName,
            Key: incidentKey(id),
            UpdateExpression: 'SET reminderSentFor = :last',
            ConditionExpression: '#status = :status AND lastReporterUpdateAt = :last AND (attribute_not_exists(reminderSentFor) OR reminderSentFor <> :last)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':last': lastReporterUpdateAt, ':status': status },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },

    async releaseReminder(id, lastReporterUpdateAt) {
      try {
        await documentClient.send(
          new UpdateCommand({
            TableName: tableName,
            Key: incidentKey(id),
            UpdateExpression: 'REMOVE reminderSentFor',
            ConditionExpression: 'reminderSentFor = :last',
            ExpressionAttributeValues: { ':last': lastReporterUpdateAt },
          }),
        );
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    },
  };
}
