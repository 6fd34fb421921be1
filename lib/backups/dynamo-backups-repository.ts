import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, queryItems } from '../platform/aws/dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RestoreRecord, BackupEvidence, BackupsRepository, DrillEvidence, DrillRecord, ExportRecord, ExportWindow } from './types';

const ALERT_TTL_SECONDS = 30 * 24 * 3600;
const FIND_MAX_PAGES = 20;
export const EVIDENCE_KEY = Object.freeze({ pk: 'EVIDENCE', sk: 'SUMMARY' });

/**
 * The backups table. Export records: `pk = EXPORT#<table>`, `sk = <window start>#<type>`, so one
 * query per table reads its exports newest first and one conditional put claims a window.
 * Drills: `pk = DRILL#<id>`, `sk = DRILL`, with an `OPEN_DRILLS` marker while one is running.
 * Restores: `pk = RESTORE`, `sk = <at>#<id>`. Alerts sent: `pk = ALERT`, `sk = <key>`.
 * The public evidence summary: `pk = EVIDENCE`, `sk = SUMMARY` (the only item the Security page may read).
 */
export function dynamoBackupsRepository(tableName: string): BackupsRepository {
  const exportKey = (table: string, windowFrom: string, type: string) => ({ pk: `EXPORT#${table}`, sk: `${windowFrom}#${type}` });
  const strip = <T>(item: Record<string, unknown>): T => {
    const { pk: _pk, sk: _sk, ttl: _ttl, ...rest } = item;
    return rest as T;
  };

  async function* exportsOf(table: string, pageSize: number) {
    const items = queryItems(
      { TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `EXPORT#${table}` }, ScanIndexForward: false },
      { pageSize, maxPages: FIND_MAX_PAGES },
    );
    for await (const item of items) yield strip<ExportRecord>(item);
  }

  const repository: BackupsRepository = {
    async claimExport(record) {
      try {
        await documentClient.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...exportKey(record.table, record.windowFrom, record.type), ...record },
            // One record per table, type and window: the first run claims it, later runs find it.
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
    async getExport(table, window: ExportWindow) {
      const out = await documentClient.send(new GetCommand({ TableName: tableName, Key: exportKey(table, window.from, window.type), ConsistentRead: true }));
      return out.Item ? strip<ExportRecord>(out.Item) : undefined;
    },
    async updateExport(record) {
      await documentClient.send(new PutCommand({ TableName: tableName, Item: { ...exportKey(record.table, record.windowFrom, record.type), ...record } }));
    },
    async recentExports(table, limit) {
      const out: ExportRecord[] = [];
      for await (const record of exportsOf(table, Math.min(limit, 100))) {
        out.push(record);
        if (out.length >= limit) break;
      }
      return out;
    },
    async findExport(table, predicate) {
      for await (const record of exportsOf(table, 50)) if (predicate(record)) return record;
      return undefined;
    },
    async claimAlert(key, at) {
      try {
        await documentClient.send(
          new PutCommand({
            TableName: tableName,
            Item: { pk: 'ALERT', sk: key, at, ttl: Math.floor(Date.parse(at) / 1000) + ALERT_TTL_SECONDS },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
    async putDrill(drill: DrillRecord) {
      await documentClient.send(new PutCommand({ TableName: tableName, Item: { pk: `DRILL#${drill.drillId}`, sk: 'DRILL', ...drill } }));
      const open = drill.status === 'RUNNING' || drill.tables.some((t) => t.scratchDeleted === false);
      if (open) await documentClient.send(new PutCommand({ TableName: tableName, Item: { pk: 'OPEN_DRILLS', sk: drill.drillId, startedAt: drill.startedAt } }));
      else await documentClient.send(new DeleteCommand({ TableName: tableName, Key: { pk: 'OPEN_DRILLS', sk: drill.drillId } }));
    },
    async getDrill(drillId) {
      const out = await documentClient.send(new GetCommand({ TableName: tableName, Key: { pk: `DRILL#${drillId}`, sk: 'DRILL' }, ConsistentRead: true }));
      return out.Item ? strip<DrillRecord>(out.Item) : undefined;
    },
    async openDrills(limit) {
      const out = await documentClient.send(
        new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'OPEN_DRILLS' }, Limit: limit }),
      );
      const drills: DrillRecord[] = [];
      for (const marker of out.Items ?? []) {
        const drill = await repository.getDrill(String(marker.sk));
        if (drill) drills.push(drill);
      }
      return drills;
    },
    async recordEvidence(fact) {
      const { kind, ...value } = fact;
      const attribute = kind === 'backup' ? 'lastBackup' : 'lastRestoreDrill';
      try {
        await documentClient.send(
          new UpdateCommand({
            TableName: tableName,
            Key: EVIDENCE_KEY,
            UpdateExpression: 'SET #fact = :fact',
            // Newer facts only: ISO times of one format sort as strings in DynamoDB too.
            ConditionExpression: 'attribute_not_exists(#fact) OR #fact.#at < :at',
            ExpressionAttributeNames: { '#fact': attribute, '#at': 'at' },
            ExpressionAttributeValues: { ':fact': value, ':at': value.at },
          }),
        );
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return;
        throw error;
      }
    },
    async evidence() {
      const out = await documentClient.send(new GetCommand({ TableName: tableName, Key: EVIDENCE_KEY }));
      return {
        lastBackup: (out.Item?.lastBackup as BackupEvidence | undefined) ?? null,
        lastRestoreDrill: (out.Item?.lastRestoreDrill as DrillEvidence | undefined) ?? null,
      };
    },
    async putRestore(restore) {
      await documentClient.send(new PutCommand({ TableName: tableName, Item: { pk: 'RESTORE', sk: `${restore.at}#${restore.restoreId}`, ...restore } }));
    },
    async findRestore(targetTable) {
      // Restores are rare: the newest few hundred records are searched, newest first.
      const items = queryItems(
        { TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'RESTORE' }, ScanIndexForward: false, ConsistentRead: true },
        { pageSize: 100, maxPages: 5 },
      );
      for await (const item of items) if (item.targetTable === targetTable) return strip<RestoreRecord>(item);
      return undefined;
    },
  };
  return repository;
}
