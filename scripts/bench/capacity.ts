import type { AwsCall, CallObserver } from '../lib/aws-call-counter';

/**
 * DynamoDB capacity per call, for cost. The bench asks every DynamoDB call for
 * `ReturnConsumedCapacity: TOTAL`, but the emulator (moto) answers a fixed 0.5 or 1 per call type
 * and nothing for transactions and batches, so the units are computed here from what was read
 * and written, with DynamoDB's billing rules: a strongly consistent read is 1 RRU per 4 KB
 * (eventually consistent 0.5, transactional 2), a write 1 WRU per 1 KB (transactional 2), a read
 * that finds nothing or a write whose condition fails is still billed its minimum. Item size is
 * the JSON length of its attributes, a close upper bound of DynamoDB's own sizing for our small items.
 */
const ASKS_FOR_CAPACITY = new Set(['GetItemCommand', 'PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'QueryCommand', 'ScanCommand', 'BatchGetItemCommand', 'BatchWriteItemCommand', 'TransactWriteItemsCommand', 'TransactGetItemsCommand']);

const size = (item: unknown) => (item ? Buffer.byteLength(JSON.stringify(item)) : 0);
const readUnits = (bytes: number, consistent: boolean) => Math.max(1, Math.ceil(bytes / 4096)) * (consistent ? 1 : 0.5);
const writeUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));

type Rec = Record<string, unknown>;

export function capacityOf(command: string, input: Rec, output: Rec | undefined): { read: number; write: number } {
  const name = command.endsWith('Command') ? command : `${command}Command`;
  switch (name) {
    case 'GetItemCommand':
      return { read: readUnits(size(output?.Item), input.ConsistentRead === true), write: 0 };
    case 'QueryCommand':
    case 'ScanCommand': {
      const bytes = ((output?.Items as unknown[]) ?? []).reduce((sum: number, item) => sum + size(item), 0);
      return { read: readUnits(bytes, input.ConsistentRead === true), write: 0 };
    }
    case 'BatchGetItemCommand': {
      let read = 0;
      const responses = (output?.Responses ?? {}) as Record<string, unknown[]>;
      for (const [table, request] of Object.entries((input.RequestItems ?? {}) as Record<string, { Keys?: unknown[]; ConsistentRead?: boolean }>)) {
        const found = responses[table] ?? [];
        const keys = request.Keys?.length ?? 0;
        for (let i = 0; i < keys; i += 1) read += readUnits(size(found[i]), request.ConsistentRead === true);
      }
      return { read, write: 0 };
    }
    case 'PutItemCommand':
      return { read: 0, write: writeUnits(size(input.Item)) };
    case 'UpdateItemCommand':
    case 'DeleteItemCommand':
      return { read: 0, write: writeUnits(size(output?.Attributes)) };
    case 'BatchWriteItemCommand': {
      let write = 0;
      for (const requests of Object.values((input.RequestItems ?? {}) as Record<string, Array<{ PutRequest?: { Item: unknown } }>>)) {
        for (const r of requests) write += writeUnits(size(r.PutRequest?.Item));
      }
      return { read: 0, write };
    }
    case 'TransactWriteItemsCommand': {
      let read = 0;
      let write = 0;
      for (const item of (input.TransactItems ?? []) as Array<{ Put?: { Item: unknown }; Update?: unknown; Delete?: unknown; ConditionCheck?: unknown }>) {
        if (item.ConditionCheck) read += 2;
        else write += 2 * writeUnits(size(item.Put?.Item));
      }
      return { read, write };
    }
    case 'TransactGetItemsCommand':
      return { read: 2 * ((input.TransactItems as unknown[]) ?? []).length, write: 0 };
    default:
      return { read: 0, write: 0 };
  }
}

/** The bench's observer: asks DynamoDB for consumed capacity and records the computed units on each call. */
export const capacityObserver: CallObserver = {
  before(call: AwsCall, input) {
    if (call.service === 'dynamodb' && ASKS_FOR_CAPACITY.has(call.command)) input.ReturnConsumedCapacity = 'TOTAL';
  },
  after(call: AwsCall, input, output) {
    if (call.service === 'dynamodb') call.capacity = capacityOf(call.command, input, output);
  },
};
