import { BatchGetCommand, BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { BATCH_RETRY, batchGetAll, batchWriteAll, documentClient } from '../../../lib/platform/aws/dynamodb';
import { ServiceUnavailableError } from '../../../lib/platform/errors';

/**
 * DynamoDB leaves keys unprocessed only under load, which the emulator never is: these cases stand
 * in for that answer (the rest of batchGetAll runs against the emulator in
 * test/integration/platform/dynamodb-helpers.test.ts).
 */
describe('batchGetAll when DynamoDB leaves keys unprocessed', () => {
  afterEach(() => jest.restoreAllMocks());
  const key = (n: number) => ({ pk: 'P', sk: String(n) });

  it('asks again for exactly the unprocessed keys and merges the answers', async () => {
    const asked: unknown[] = [];
    jest.spyOn(documentClient, 'send').mockImplementation(async (command: unknown) => {
      const input = (command as BatchGetCommand).input;
      asked.push(input.RequestItems);
      return asked.length === 1
        ? { Responses: { t: [{ ...key(1), n: 1 }] }, UnprocessedKeys: { t: { Keys: [key(2)], ConsistentRead: true } } }
        : { Responses: { t: [{ ...key(2), n: 2 }] }, UnprocessedKeys: {} };
    });
    const got = await batchGetAll({ t: { Keys: [key(1), key(2)], ConsistentRead: true } });
    expect(got).toEqual({ t: [{ ...key(1), n: 1 }, { ...key(2), n: 2 }] });
    expect(asked).toEqual([{ t: { Keys: [key(1), key(2)], ConsistentRead: true } }, { t: { Keys: [key(2)], ConsistentRead: true } }]);
  });

  it('gives up with a 503 after a bounded number of rounds', async () => {
    const send = jest.spyOn(documentClient, 'send').mockImplementation(async () => ({ Responses: {}, UnprocessedKeys: { t: { Keys: [key(1)] } } }));
    await expect(batchGetAll({ t: { Keys: [key(1)] } })).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(send).toHaveBeenCalledTimes(BATCH_RETRY.attempts);
  });
});

describe('batchWriteAll when DynamoDB leaves writes unprocessed', () => {
  afterEach(() => jest.restoreAllMocks());
  const del = (n: number) => ({ DeleteRequest: { Key: { pk: 'P', sk: String(n) } } });

  it('sends 25 per call and sends the unprocessed ones again', async () => {
    const calls: number[][] = [];
    jest.spyOn(documentClient, 'send').mockImplementation(async (command: unknown) => {
      const batch = (command as BatchWriteCommand).input.RequestItems!.t;
      calls.push(batch.map((r) => Number(r.DeleteRequest!.Key!.sk)));
      // The first call leaves its last two writes unprocessed.
      return calls.length === 1 ? { UnprocessedItems: { t: batch.slice(-2) } } : { UnprocessedItems: {} };
    });
    await batchWriteAll('t', Array.from({ length: 30 }, (_, i) => del(i)));
    expect(calls).toEqual([Array.from({ length: 25 }, (_, i) => i), [23, 24], [25, 26, 27, 28, 29]]);
  });

  it('never stops silently with writes left: a 503 after a bounded number of rounds', async () => {
    const send = jest.spyOn(documentClient, 'send').mockImplementation(async (command: unknown) => ({ UnprocessedItems: (command as BatchWriteCommand).input.RequestItems }));
    await expect(batchWriteAll('t', [del(1)])).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(send).toHaveBeenCalledTimes(BATCH_RETRY.attempts);
  });
});
