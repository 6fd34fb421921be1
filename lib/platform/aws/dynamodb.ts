import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  paginatedBatchGet,
  paginateQuery,
  paginateScan,
  type BatchGetCommandInput,
  type BatchWriteCommandInput,
  type QueryCommandInput,
  type ScanCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { ServiceUnavailableError } from '../errors';
import { backoffDelay, sleep, type RetryPolicy } from '../retry';
import { clientConfig } from './client-config';

/** One DynamoDB client per execution environment, reused across invocations. */
export const dynamoClient = new DynamoDBClient(clientConfig());

export const documentClient = DynamoDBDocumentClient.from(dynamoClient, {
  marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  unmarshallOptions: { wrapNumbers: false },
});

export type Item = Record<string, unknown>;

/**
 * Every item a Query returns, page after page (the SDK's paginateQuery). `maxPages` stops early
 * for listings that only need the newest few; `pageSize` is the Query's Limit.
 */
export async function* queryItems(input: QueryCommandInput, options: { pageSize?: number; maxPages?: number } = {}): AsyncGenerator<Item> {
  let pages = 0;
  for await (const page of paginateQuery({ client: documentClient, pageSize: options.pageSize }, input)) {
    yield* (page.Items ?? []) as Item[];
    pages += 1;
    if (options.maxPages !== undefined && pages >= options.maxPages) return;
  }
}

/** Every item of a Scan, page after page (the SDK's paginateScan). */
export async function* scanItems(input: ScanCommandInput): AsyncGenerator<Item> {
  for await (const page of paginateScan({ client: documentClient }, input)) yield* (page.Items ?? []) as Item[];
}

/** All of a Query's items in one array. */
export async function queryAll(input: QueryCommandInput): Promise<Item[]> {
  const items: Item[] = [];
  for await (const item of queryItems(input)) items.push(item);
  return items;
}

/** How long BatchGetItem's unprocessed keys are retried before the request is a 503. */
export const BATCH_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 25, maxDelayMs: 400 };

/**
 * BatchGetItem until every key is answered (the SDK's paginatedBatchGet re-sends the unprocessed
 * keys), with a backoff between rounds as AWS asks; a 503 if DynamoDB keeps some back.
 * Items are grouped by table name; at most 100 keys per call.
 */
export async function batchGetAll(requestItems: NonNullable<BatchGetCommandInput['RequestItems']>): Promise<Record<string, Item[]>> {
  const out: Record<string, Item[]> = {};
  let round = 0;
  for await (const page of paginatedBatchGet({ client: documentClient }, { RequestItems: requestItems })) {
    for (const [table, items] of Object.entries(page.Responses ?? {})) (out[table] ??= []).push(...(items as Item[]));
    if (Object.keys(page.UnprocessedKeys ?? {}).length === 0) break;
    round += 1;
    if (round >= BATCH_RETRY.attempts) throw new ServiceUnavailableError();
    await sleep(backoffDelay(round, BATCH_RETRY));
  }
  return out;
}

type WriteRequest = NonNullable<BatchWriteCommandInput['RequestItems']>[string][number];

/**
 * BatchWriteItem for any number of puts or deletes on one table: 25 per call, the unprocessed
 * ones sent again with a backoff; a 503 if DynamoDB keeps some back (never a silent partial write).
 */
export async function batchWriteAll(tableName: string, requests: WriteRequest[]): Promise<void> {
  for (let i = 0; i < requests.length; i += 25) {
    let pending: WriteRequest[] = requests.slice(i, i + 25);
    for (let round = 1; pending.length > 0; round += 1) {
      const res = await documentClient.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      pending = (res.UnprocessedItems?.[tableName] ?? []) as WriteRequest[];
      if (pending.length === 0) break;
      if (round >= BATCH_RETRY.attempts) throw new ServiceUnavailableError();
      await sleep(backoffDelay(round, BATCH_RETRY));
    }
  }
}
