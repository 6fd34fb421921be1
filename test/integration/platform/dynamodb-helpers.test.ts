import { randomUUID } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetAll, documentClient, queryAll, queryItems, scanItems } from '../../../lib/platform/aws/dynamodb';
import { listObjects, s3Client } from '../../../lib/platform/aws/s3';

/**
 * The platform's pagination and batch-get helpers (the SDK's paginators underneath) against the
 * emulator, with pages small enough that every listing spans several of them.
 */
const table = () => process.env.BACKUPS_TABLE!;

async function seed(pk: string, count: number): Promise<void> {
  for (let i = 0; i < count; i += 25) {
    const batch = Array.from({ length: Math.min(25, count - i) }, (_, j) => ({ PutRequest: { Item: { pk, sk: `ITEM#${String(i + j).padStart(4, '0')}`, n: i + j } } }));
    await documentClient.send(new BatchWriteCommand({ RequestItems: { [table()]: batch } }));
  }
}

describe('DynamoDB and S3 listing helpers (emulator)', () => {
  const pk = `HELPERS#${randomUUID()}`;
  beforeAll(() => seed(pk, 57));

  it('queryItems and queryAll follow every page, in order', async () => {
    const input = () => ({ TableName: table(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: true });
    const paged: number[] = [];
    for await (const item of queryItems(input(), { pageSize: 10 })) paged.push(item.n as number);
    expect(paged).toEqual(Array.from({ length: 57 }, (_, i) => i));
    expect((await queryAll(input())).map((i) => i.n)).toEqual(paged);
  });

  it('queryItems stops after maxPages', async () => {
    const newest: number[] = [];
    const input = { TableName: table(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ScanIndexForward: false };
    for await (const item of queryItems(input, { pageSize: 10, maxPages: 2 })) newest.push(item.n as number);
    expect(newest).toEqual(Array.from({ length: 20 }, (_, i) => 56 - i));
  });

  it('scanItems follows every page of a filtered scan', async () => {
    const found: number[] = [];
    for await (const item of scanItems({ TableName: table(), FilterExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, Limit: 25 })) found.push(item.n as number);
    expect(found.sort((a, b) => a - b)).toEqual(Array.from({ length: 57 }, (_, i) => i));
  });

  it('batchGetAll answers every key it was asked, grouped by table, and leaves out keys that do not exist', async () => {
    const keys = [...Array.from({ length: 57 }, (_, i) => ({ pk, sk: `ITEM#${String(i).padStart(4, '0')}` })), { pk, sk: 'ITEM#9999' }];
    const got = await batchGetAll({ [table()]: { Keys: keys.slice(0, 58), ConsistentRead: true } });
    expect(Object.keys(got)).toEqual([table()]);
    expect(got[table()].map((i) => i.n as number).sort((a, b) => a - b)).toEqual(Array.from({ length: 57 }, (_, i) => i));
  });

  it('listObjects follows every page of a prefix', async () => {
    const bucket = process.env.BACKUPS_BUCKET!;
    const prefix = `helpers-${randomUUID()}/`;
    // Bytes, not a string: the SDK sets no Content-Length for an empty string (it is falsy) and
    // then warns that the body looks like a stream of unknown length.
    for (let i = 0; i < 12; i += 1) await s3Client.send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}${String(i).padStart(2, '0')}.json`, Body: Buffer.alloc(i, 'x') }));
    const listed = await listObjects(bucket, prefix, 5);
    expect(listed).toEqual(Array.from({ length: 12 }, (_, i) => ({ key: `${prefix}${String(i).padStart(2, '0')}.json`, size: i })));
  });
});
