import {
  BatchWriteItemCommand,
  DeleteTableCommand,
  DescribeExportCommand,
  DescribeImportCommand,
  DescribeTableCommand,
  ExportTableToPointInTimeCommand,
  ImportTableCommand,
  ResourceNotFoundException,
  DynamoDBClient,
  paginateScan,
  RestoreTableToPointInTimeCommand,
  type ExportDescription as SdkExportDescription,
  type ImportTableDescription,
} from '@aws-sdk/client-dynamodb';
import { dynamoClient } from '../platform/aws/dynamodb';
import { EXPORT_STATUS, EXPORT_TYPES, type DynamoItem, type ExportDescription, type ExportStatus, type ImportDescription, type ImportStatus, type TableControl } from './types';

/** The part of the DynamoDB client the adapter uses: a unit test passes a recorder instead. */
export interface CommandSender {
  send(command: object): Promise<unknown>;
}

function toExport(d: SdkExportDescription | undefined): ExportDescription {
  if (!d?.ExportArn) throw new Error('DynamoDB answered an export without an ARN');
  return {
    exportArn: d.ExportArn,
    status: (d.ExportStatus ?? EXPORT_STATUS.inProgress) as ExportStatus,
    exportTime: d.ExportTime ? new Date(d.ExportTime).toISOString() : undefined,
    itemCount: d.ItemCount,
    billedSizeBytes: d.BilledSizeBytes,
    failureCode: d.FailureCode ?? undefined,
    failureMessage: d.FailureMessage ?? undefined,
  };
}

function toImport(d: ImportTableDescription | undefined): ImportDescription {
  if (!d?.ImportArn) throw new Error('DynamoDB answered an import without an ARN');
  return {
    importArn: d.ImportArn,
    status: (d.ImportStatus ?? 'IN_PROGRESS') as ImportStatus,
    importedItemCount: d.ImportedItemCount,
    errorCount: d.ErrorCount,
    failureCode: d.FailureCode ?? undefined,
    failureMessage: d.FailureMessage ?? undefined,
  };
}

/**
 * DynamoDB control-plane adapter. The requests are built here, in one place, exactly as AWS gets
 * them; the local emulator receives the same calls (it ignores ClientToken and the incremental
 * specification, which is why the domain claims each window in the backups table too).
 */
export function dynamoTableControl(client: CommandSender = dynamoClient): TableControl {
  const send = <T>(command: object) => client.send(command) as Promise<T>;
  return {
    async describeTable(tableName) {
      const out = await send<{ Table?: Record<string, any> }>(new DescribeTableCommand({ TableName: tableName })); // eslint-disable-line @typescript-eslint/no-explicit-any
      const t = out.Table!;
      const gsis = (t.GlobalSecondaryIndexes ?? []) as Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
      return {
        tableArn: t.TableArn,
        keySchema: t.KeySchema,
        attributeDefinitions: t.AttributeDefinitions,
        globalSecondaryIndexes: gsis.length
          ? gsis.map((g) => ({ IndexName: g.IndexName, KeySchema: g.KeySchema, Projection: g.Projection ?? { ProjectionType: 'ALL' } }))
          : undefined,
      };
    },

    async startExport(request) {
      const incremental = request.type === EXPORT_TYPES.incremental;
      // No S3Sse* fields: the bucket's default encryption (SSE-KMS with the stage key) applies.
      const out = await send<{ ExportDescription?: SdkExportDescription }>(
        new ExportTableToPointInTimeCommand({
          TableArn: request.tableArn,
          ClientToken: request.clientToken,
          S3Bucket: request.bucket,
          S3Prefix: request.prefix,
          ExportFormat: 'DYNAMODB_JSON',
          ExportType: request.type,
          ...(incremental
            ? { IncrementalExportSpecification: { ExportFromTime: request.from, ExportToTime: request.to, ExportViewType: 'NEW_AND_OLD_IMAGES' as const } }
            : {}),
        }),
      );
      return toExport(out.ExportDescription);
    },

    async describeExport(exportArn) {
      const out = await send<{ ExportDescription?: SdkExportDescription }>(new DescribeExportCommand({ ExportArn: exportArn }));
      return toExport(out.ExportDescription);
    },

    async importTable(request) {
      const keyNames = new Set([...request.schema.keySchema, ...(request.schema.globalSecondaryIndexes ?? []).flatMap((g) => g.KeySchema)].map((k) => k.AttributeName));
      const out = await send<{ ImportTableDescription?: ImportTableDescription }>(
        new ImportTableCommand({
          ClientToken: request.clientToken,
          S3BucketSource: { S3Bucket: request.bucket, S3KeyPrefix: request.dataPrefix },
          InputFormat: 'DYNAMODB_JSON',
          InputCompressionType: 'GZIP',
          TableCreationParameters: {
            TableName: request.tableName,
            KeySchema: request.schema.keySchema,
            AttributeDefinitions: request.schema.attributeDefinitions.filter((a) => keyNames.has(a.AttributeName)),
            BillingMode: 'PAY_PER_REQUEST',
            GlobalSecondaryIndexes: request.schema.globalSecondaryIndexes?.map((g) => ({
              IndexName: g.IndexName,
              KeySchema: g.KeySchema,
              Projection: g.Projection as { ProjectionType: 'ALL' },
            })),
            ...(request.kmsKeyId ? { SSESpecification: { Enabled: true, SSEType: 'KMS' as const, KMSMasterKeyId: request.kmsKeyId } } : {}),
          },
        }),
      );
      return toImport(out.ImportTableDescription);
    },

    async describeImport(importArn) {
      const out = await send<{ ImportTableDescription?: ImportTableDescription }>(new DescribeImportCommand({ ImportArn: importArn }));
      return toImport(out.ImportTableDescription);
    },

    async restoreToPointInTime(request) {
      const out = await send<{ TableDescription?: { TableStatus?: string } }>(
        new RestoreTableToPointInTimeCommand({
          SourceTableName: request.sourceTable,
          TargetTableName: request.targetTable,
          ...(request.time ? { RestoreDateTime: request.time } : { UseLatestRestorableTime: true }),
          BillingModeOverride: 'PAY_PER_REQUEST',
          ...(request.kmsKeyId ? { SSESpecificationOverride: { Enabled: true, SSEType: 'KMS' as const, KMSMasterKeyId: request.kmsKeyId } } : {}),
        }),
      );
      return { status: out.TableDescription?.TableStatus ?? 'CREATING' };
    },

    async tableStatus(tableName) {
      try {
        const out = await send<{ Table?: { TableStatus?: string } }>(new DescribeTableCommand({ TableName: tableName }));
        return out.Table?.TableStatus ?? 'UNKNOWN';
      } catch (error) {
        if (error instanceof ResourceNotFoundException || (error as { name?: string }).name === 'ResourceNotFoundException') return undefined;
        throw error;
      }
    },

    async deleteTable(tableName) {
      await send(new DeleteTableCommand({ TableName: tableName }));
    },

    // The SDK's paginator needs the real client (the recorder of the unit tests never scans).
    async *scanItems(tableName) {
      if (!(client instanceof DynamoDBClient)) throw new TypeError('scanItems needs a DynamoDBClient');
      for await (const page of paginateScan({ client }, { TableName: tableName, ConsistentRead: true })) yield* (page.Items ?? []) as unknown as DynamoItem[];
    },
    async writeItems(tableName, { deleteKeys, puts }) {
      const requests = [
        ...deleteKeys.map((key) => ({ DeleteRequest: { Key: key } })),
        ...puts.map((item) => ({ PutRequest: { Item: item } })),
      ];
      for (let i = 0; i < requests.length; i += 25) {
        let pending: Record<string, unknown[]> | undefined = { [tableName]: requests.slice(i, i + 25) };
        // BatchWriteItem may leave some requests unprocessed under load: send those again.
        for (let attempt = 0; pending && Object.keys(pending).length > 0; attempt += 1) {
          if (attempt === 8) throw new Error(`DynamoDB left writes to ${tableName} unprocessed after 8 attempts`);
          if (attempt > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
          const out = (await client.send(new BatchWriteItemCommand({ RequestItems: pending as never }))) as { UnprocessedItems?: Record<string, unknown[]> };
          pending = out.UnprocessedItems;
        }
      }
    },
  };
}
