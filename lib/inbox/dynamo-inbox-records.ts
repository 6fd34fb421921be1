import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../platform/aws/dynamodb';

/**
 * The inbox's records, in the incidents table (they belong to incidents and are backed up with
 * them). One item per received message, keyed by its Message-ID:
 * - `pk = INBOX#<sha256 of the Message-ID (or of the raw bytes when there is none)>`, `sk = MESSAGE`:
 *   the first delivery's object key, the incident id chosen for it, and the outcome. Ignored
 *   messages carry `gsi1pk = INBOX#IGNORED` so ops can list them newest first.
 * - `pk = INBOX#SENT#<SES message id>`, `sk = MESSAGE`: an acknowledgement we sent, so a reply's
 *   In-Reply-To/References finds its incident.
 */
export type InboxOutcome = 'processing' | 'created' | 'appended' | 'ignored';

export interface InboxRecord {
  dedupeKey: string;
  objectKey: string;
  incidentId: string;
  outcome: InboxOutcome;
  reason?: string;
  receivedAt: string;
}

/** A message ignored on sight is claimed already finished: its reason and sender, listed with the ignored ones. */
export type ClaimRecord = (InboxRecord & { outcome: 'processing' }) | (InboxRecord & { outcome: 'ignored'; reason: string; from: string | null });

export interface IgnoredRecord {
  objectKey: string;
  reason: string;
  receivedAt: string;
  from: string | null;
  incidentId?: string;
}

export interface InboxRecords {
  /**
   * Claims a message for processing, or returns the record of whoever claimed it first. One
   * conditional Put: two deliveries racing for the same Message-ID cannot both win. A message
   * ignored on sight is claimed with its final outcome (no `finish` after it).
   */
  claim(record: ClaimRecord): Promise<{ claimed: true } | { claimed: false; existing: InboxRecord }>;
  /** A second delivery of a message already claimed, under another object key: its own ignored record. */
  recordDuplicate(objectKey: string, details: { incidentId: string; from: string | null; receivedAt: string }): Promise<void>;
  /** With `sent`, the record of an acknowledgement we sent is written in the same request (one transaction). */
  finish(
    dedupeKey: string,
    outcome: Exclude<InboxOutcome, 'processing'>,
    details: { reason?: string; incidentId?: string; from: string | null; receivedAt: string },
    sent?: { transportMessageId: string; incidentId: string; at: string },
  ): Promise<void>;
  /** Incident ids that Message-IDs belong to: messages we received (and opened or joined an incident) or acknowledgements we sent. */
  incidentsReferenced(messageIds: string[]): Promise<string[]>;
  listIgnored(limit: number): Promise<IgnoredRecord[]>;
}

const SK = 'MESSAGE';
const IGNORED = 'INBOX#IGNORED';
const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');
export const receivedKey = (dedupeKey: string) => ({ pk: `INBOX#${digest(dedupeKey)}`, sk: SK });
const ignoredSortKey = (receivedAt: string, dedupeKey: string) => `${receivedAt}#${digest(dedupeKey).slice(0, 16)}`;
/** SES names its Message-ID `<id@region.amazonses.com>`; the id alone is what SendRawEmail returned. */
const sentKey = (transportMessageId: string) => ({ pk: `INBOX#SENT#${transportMessageId.toLowerCase()}`, sk: SK });

const sentItem = (transportMessageId: string, incidentId: string, at: string) => ({ ...sentKey(transportMessageId), entity: 'inbox-sent', incidentId, at });

function localPart(messageId: string): string {
  const inner = messageId.replace(/^<|>$/g, '');
  return inner.slice(0, inner.lastIndexOf('@'));
}

function toRecord(item: Record<string, unknown>): InboxRecord {
  return {
    dedupeKey: String(item.dedupeKey),
    objectKey: String(item.objectKey),
    incidentId: String(item.incidentId),
    outcome: item.outcome as InboxOutcome,
    ...(item.reason ? { reason: String(item.reason) } : {}),
    receivedAt: String(item.receivedAt),
  };
}

export function dynamoInboxRecords(tableName: string): InboxRecords {
  return {
    async claim(record) {
      try {
        await documentClient.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...receivedKey(record.dedupeKey),
              entity: 'inbox-message',
              ...record,
              ...(record.outcome === 'ignored' ? { gsi1pk: IGNORED, gsi1sk: ignoredSortKey(record.receivedAt, record.dedupeKey) } : {}),
            },
            ConditionExpression: 'attribute_not_exists(pk)',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return { claimed: true };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        // ALL_OLD comes back in the low-level attribute format (the document client does not convert errors).
        const old = error.Item;
        if (old?.objectKey?.S && old.incidentId?.S && old.outcome?.S) {
          return {
            claimed: false,
            existing: {
              dedupeKey: record.dedupeKey,
              objectKey: old.objectKey.S,
              incidentId: old.incidentId.S,
              outcome: old.outcome.S as InboxOutcome,
              ...(old.reason?.S ? { reason: old.reason.S } : {}),
              receivedAt: old.receivedAt?.S ?? '',
            },
          };
        }
        const out = await documentClient.send(new GetCommand({ TableName: tableName, Key: receivedKey(record.dedupeKey), ConsistentRead: true }));
        return { claimed: false, existing: toRecord(out.Item ?? {}) };
      }
    },

    async recordDuplicate(objectKey, details) {
      // Keyed by the object, so a replay of the same duplicate object stays one record.
      await documentClient.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            pk: `INBOX#OBJECT#${digest(objectKey)}`,
            sk: SK,
            entity: 'inbox-duplicate',
            objectKey,
            outcome: 'ignored',
            reason: 'duplicate',
            incidentId: details.incidentId,
            from: details.from,
            receivedAt: details.receivedAt,
            gsi1pk: 'INBOX#IGNORED',
            gsi1sk: `${details.receivedAt}#${digest(objectKey).slice(0, 16)}`,
          },
        }),
      );
    },

    async finish(dedupeKey, outcome, details, sent) {
      const ignored = outcome === 'ignored';
      const update = {
        TableName: tableName,
        Key: receivedKey(dedupeKey),
        UpdateExpression: `SET outcome = :outcome, #from = :from${details.reason ? ', reason = :reason' : ''}${details.incidentId ? ', incidentId = :incident' : ''}${ignored ? ', gsi1pk = :ignored, gsi1sk = :sortKey' : ''}`,
        ExpressionAttributeNames: { '#from': 'from' },
        ExpressionAttributeValues: {
          ':outcome': outcome,
          ':from': details.from,
          ...(details.reason ? { ':reason': details.reason } : {}),
          ...(details.incidentId ? { ':incident': details.incidentId } : {}),
          ...(ignored ? { ':ignored': IGNORED, ':sortKey': ignoredSortKey(details.receivedAt, dedupeKey) } : {}),
        },
      };
      if (!sent) {
        await documentClient.send(new UpdateCommand(update));
        return;
      }
      // Unconditional writes: a retried delivery writes the same two items again.
      await documentClient.send(new TransactWriteCommand({ TransactItems: [{ Put: { TableName: tableName, Item: sentItem(sent.transportMessageId, sent.incidentId, sent.at) } }, { Update: update }] }));
    },

    async incidentsReferenced(messageIds) {
      if (messageIds.length === 0) return [];
      const keys = new Map<string, { pk: string; sk: string }>();
      for (const id of messageIds) {
        for (const key of [receivedKey(id), sentKey(localPart(id))]) keys.set(key.pk, key);
      }
      const out = await documentClient.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: [...keys.values()].slice(0, 100), ConsistentRead: true } } }));
      const items = (out.Responses?.[tableName] ?? []) as Array<Record<string, unknown>>;
      // Newest reference last in References: prefer the incident of the latest message it names.
      const byPk = new Map(items.map((i) => [String(i.pk), i]));
      const found: string[] = [];
      for (const id of [...messageIds].reverse()) {
        for (const key of [sentKey(localPart(id)), receivedKey(id)]) {
          const item = byPk.get(key.pk);
          const incidentId = item && (item.entity === 'inbox-sent' || item.outcome === 'created' || item.outcome === 'appended') ? String(item.incidentId) : undefined;
          if (incidentId && !found.includes(incidentId)) found.push(incidentId);
        }
      }
      return found;
    },

    async listIgnored(limit) {
      const out = await documentClient.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': 'INBOX#IGNORED' },
          ScanIndexForward: false,
          Limit: limit,
        }),
      );
      return ((out.Items ?? []) as Array<Record<string, unknown>>).map((i) => ({
        objectKey: String(i.objectKey),
        reason: String(i.reason),
        receivedAt: String(i.receivedAt),
        from: (i.from as string | null) ?? null,
        ...(i.reason === 'duplicate' && i.incidentId ? { incidentId: String(i.incidentId) } : {}),
      }));
    },
  };
}
