import { dynamoTableControl } from '../../../lib/backups/dynamo-table-control';
import { EXPORT_TYPES } from '../../../lib/backups/types';

function recorder(answer: unknown) {
  const sent: Array<{ name: string; input: unknown }> = [];
  return {
    sent,
    client: {
      async send(command: object) {
        sent.push({ name: command.constructor.name, input: (command as { input: unknown }).input });
        return answer;
      },
    },
  };
}

const tableArn = 'arn:aws:dynamodb:eu-west-1:111122223333:table/helpshelf-prod-accounts';
const answer = { ExportDescription: { ExportArn: `${tableArn}/export/01700000000000-abcdef`, ExportStatus: 'IN_PROGRESS' } };

describe('the DynamoDB adapter of the backups (the requests AWS receives)', () => {
  it('when an incremental export starts, it sends ExportTableToPointInTime with the window, the view type and the ClientToken', async () => {
    // Prepare
    const { sent, client } = recorder(answer);
    // Act
    const out = await dynamoTableControl(client).startExport({
      tableArn,
      bucket: 'helpshelf-prod-backups-eu-west-1',
      prefix: 'exports/accounts/incremental/2026-11-24T00',
      clientToken: '0123456789abcdef0123456789abcdef',
      type: EXPORT_TYPES.incremental,
      from: new Date('2026-11-24T00:00:00Z'),
      to: new Date('2026-11-24T04:00:00Z'),
    });
    // Assess
    expect(sent).toEqual([
      {
        name: 'ExportTableToPointInTimeCommand',
        input: {
          TableArn: tableArn,
          ClientToken: '0123456789abcdef0123456789abcdef',
          S3Bucket: 'helpshelf-prod-backups-eu-west-1',
          S3Prefix: 'exports/accounts/incremental/2026-11-24T00',
          ExportFormat: 'DYNAMODB_JSON',
          ExportType: 'INCREMENTAL_EXPORT',
          IncrementalExportSpecification: {
            ExportFromTime: new Date('2026-11-24T00:00:00Z'),
            ExportToTime: new Date('2026-11-24T04:00:00Z'),
            ExportViewType: 'NEW_AND_OLD_IMAGES',
          },
        },
      },
    ]);
    expect(out).toMatchObject({ exportArn: answer.ExportDescription.ExportArn, status: 'IN_PROGRESS' });
  });

  it('when a full export starts, it sends no incremental specification and no export time (a snapshot of now)', async () => {
    const { sent, client } = recorder(answer);
    await dynamoTableControl(client).startExport({ tableArn, bucket: 'b-1', prefix: 'exports/accounts/full/2026-11-24', clientToken: 'tok', type: EXPORT_TYPES.full });
    expect(sent[0].input).toEqual({ TableArn: tableArn, ClientToken: 'tok', S3Bucket: 'b-1', S3Prefix: 'exports/accounts/full/2026-11-24', ExportFormat: 'DYNAMODB_JSON', ExportType: 'FULL_EXPORT' });
  });

  it('when a drill imports an export, it sends ImportTable from the data prefix, GZIP DYNAMODB_JSON, with the key schema, GSIs and the stage key', async () => {
    const { sent, client } = recorder({ ImportTableDescription: { ImportArn: 'arn:aws:dynamodb:eu-west-1:1:table/s/import/1', ImportStatus: 'IN_PROGRESS' } });
    await dynamoTableControl(client).importTable({
      tableName: 'helpshelf-prod-drill-accounts-abc',
      bucket: 'b-1',
      dataPrefix: 'exports/accounts/full/2026-11-24/AWSDynamoDB/01700000000000-abcdef/data/',
      clientToken: 'tok',
      kmsKeyId: 'alias/helpshelf-prod-data',
      schema: {
        tableArn,
        keySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
        attributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
          { AttributeName: 'gsi1pk', AttributeType: 'S' },
          { AttributeName: 'gsi1sk', AttributeType: 'S' },
        ],
        globalSecondaryIndexes: [{ IndexName: 'gsi1', KeySchema: [{ AttributeName: 'gsi1pk', KeyType: 'HASH' }, { AttributeName: 'gsi1sk', KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } }],
      },
    });
    expect(sent[0]).toEqual({
      name: 'ImportTableCommand',
      input: {
        ClientToken: 'tok',
        S3BucketSource: { S3Bucket: 'b-1', S3KeyPrefix: 'exports/accounts/full/2026-11-24/AWSDynamoDB/01700000000000-abcdef/data/' },
        InputFormat: 'DYNAMODB_JSON',
        InputCompressionType: 'GZIP',
        TableCreationParameters: {
          TableName: 'helpshelf-prod-drill-accounts-abc',
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
          AttributeDefinitions: [
            { AttributeName: 'pk', AttributeType: 'S' },
            { AttributeName: 'sk', AttributeType: 'S' },
            { AttributeName: 'gsi1pk', AttributeType: 'S' },
            { AttributeName: 'gsi1sk', AttributeType: 'S' },
          ],
          BillingMode: 'PAY_PER_REQUEST',
          GlobalSecondaryIndexes: [{ IndexName: 'gsi1', KeySchema: [{ AttributeName: 'gsi1pk', KeyType: 'HASH' }, { AttributeName: 'gsi1sk', KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } }],
          SSESpecification: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: 'alias/helpshelf-prod-data' },
        },
      },
    });
  });

  it('when a table is restored to a point in time, it sends RestoreTableToPointInTime into the new table with the stage key', async () => {
    const { sent, client } = recorder({ TableDescription: { TableStatus: 'CREATING' } });
    await dynamoTableControl(client).restoreToPointInTime({ sourceTable: 'helpshelf-prod-accounts', targetTable: 'helpshelf-prod-restored-a', time: new Date('2026-11-20T10:00:00Z'), kmsKeyId: 'alias/k' });
    expect(sent[0].input).toEqual({
      SourceTableName: 'helpshelf-prod-accounts',
      TargetTableName: 'helpshelf-prod-restored-a',
      RestoreDateTime: new Date('2026-11-20T10:00:00Z'),
      BillingModeOverride: 'PAY_PER_REQUEST',
      SSESpecificationOverride: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: 'alias/k' },
    });
  });
});
