import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { documentClient } from '../../../lib/platform/aws/dynamodb';

// The emulator launcher (scripts/emulator/moto_atomic_server.py) replaces moto's whole-table
// transaction backup with one that copies only what a transaction touches. A cancelled
// transaction must still leave every item exactly as it was, as on DynamoDB.
describe('the emulator keeps DynamoDB transaction semantics', () => {
  const table = () => process.env.RATE_LIMITS_TABLE!;
  const key = (id: string) => ({ pk: `FIDELITY#${id}`, sk: 'ITEM' });

  it('when a condition in a transaction fails, its update, put and delete are all rolled back', async () => {
    // Prepare
    const [a, b, c, d] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    await documentClient.send(new PutCommand({ TableName: table(), Item: { ...key(a), value: 1, nested: { list: [1, 2] } } }));
    await documentClient.send(new PutCommand({ TableName: table(), Item: { ...key(b), value: 'keep' } }));
    await documentClient.send(new PutCommand({ TableName: table(), Item: { ...key(d), value: 'still here' } }));
    // Act
    const attempt = documentClient.send(
      new TransactWriteCommand({
        TransactItems: [
          { Update: { TableName: table(), Key: key(a), UpdateExpression: 'SET #v = :two, nested.#l = :empty', ExpressionAttributeNames: { '#v': 'value', '#l': 'list' }, ExpressionAttributeValues: { ':two': 2, ':empty': [] } } },
          { Put: { TableName: table(), Item: { ...key(c), value: 'new' } } },
          { Delete: { TableName: table(), Key: key(d) } },
          { ConditionCheck: { TableName: table(), Key: key(b), ConditionExpression: '#v = :other', ExpressionAttributeNames: { '#v': 'value' }, ExpressionAttributeValues: { ':other': 'changed' } } },
        ],
      }),
    );
    // Assess
    await expect(attempt).rejects.toBeInstanceOf(TransactionCanceledException);
    const read = async (id: string) => (await documentClient.send(new GetCommand({ TableName: table(), Key: key(id), ConsistentRead: true }))).Item;
    expect(await read(a)).toEqual({ ...key(a), value: 1, nested: { list: [1, 2] } });
    expect(await read(c)).toBeUndefined();
    expect(await read(d)).toEqual({ ...key(d), value: 'still here' });
  });

  it('when every condition holds, the whole transaction applies', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    await documentClient.send(new PutCommand({ TableName: table(), Item: { ...key(a), value: 1 } }));
    await documentClient.send(
      new TransactWriteCommand({
        TransactItems: [
          { Update: { TableName: table(), Key: key(a), UpdateExpression: 'SET #v = :two', ConditionExpression: '#v = :one', ExpressionAttributeNames: { '#v': 'value' }, ExpressionAttributeValues: { ':one': 1, ':two': 2 } } },
          { Put: { TableName: table(), Item: { ...key(b), value: 'new' }, ConditionExpression: 'attribute_not_exists(pk)' } },
        ],
      }),
    );
    const a2 = await documentClient.send(new GetCommand({ TableName: table(), Key: key(a), ConsistentRead: true }));
    expect(a2.Item?.value).toBe(2);
  });
});
