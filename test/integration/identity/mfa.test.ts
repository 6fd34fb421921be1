import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { codeFor, expectError, mfaCases } from '../../cases/mfa.cases';
import { db, readyAccount, TABLES } from '../../cases/identity.cases';
import { viaHandler } from '../../support/http';

describe('second factors and recent sign-in, in-process against the emulator', () => {
  const ctx = { send: viaHandler, emulator: process.env.HELPSHELF_TEST_EMULATOR! };
  it.each(mfaCases.map((c) => [c.name, c] as const))('%s', async (_name, testCase) => {
    await testCase.run(ctx);
  });
});

describe('a throttled transaction of the second-factor store is not a failed condition (issue 21 §5)', () => {
  const ctx = { send: viaHandler, emulator: process.env.HELPSHELF_TEST_EMULATOR! };

  it('when DynamoDB throttles turning the authenticator app on, the right code answers 503 (not 400 invalid_code) and the app stays pending; the same code then works', async () => {
    // Prepare: an app enrolled, not confirmed yet
    const account = await readyAccount(ctx);
    const enrol = await ctx.send({ method: 'POST', path: '/v1/mfa/totp', headers: { Authorization: `Bearer ${account.token}` } });
    expect(enrol.status).toBe(201);
    const secret = enrol.json.secret as string;
    // Throttling is a failure the emulator cannot produce: the client answers it for the transaction.
    const { documentClient } = await import('../../../lib/platform/aws/dynamodb');
    const original = documentClient.send.bind(documentClient);
    const spy = jest.spyOn(documentClient, 'send').mockImplementation(((command: { constructor: { name: string } }) => {
      if (command.constructor.name === 'TransactWriteCommand') {
        return Promise.reject(Object.assign(new Error('Transaction cancelled'), { name: 'TransactionCanceledException', CancellationReasons: [{ Code: 'ThrottlingError' }, { Code: 'None' }, { Code: 'None' }] }));
      }
      return original(command as never);
    }) as never);
    // Act
    let throttled;
    try {
      throttled = await ctx.send({ method: 'POST', path: '/v1/mfa/totp/confirm', headers: { Authorization: `Bearer ${account.token}` }, body: { code: codeFor(secret) } });
    } finally {
      spy.mockRestore();
    }
    // Assert
    expectError(throttled, 503, 'service_unavailable');
    const item = await db(ctx).send(new GetCommand({ TableName: TABLES.accounts, Key: { pk: `USER#${account.userId}`, sk: 'MFA#TOTP' }, ConsistentRead: true }));
    expect(item.Item?.status).toBe('pending');
    const again = await ctx.send({ method: 'POST', path: '/v1/mfa/totp/confirm', headers: { Authorization: `Bearer ${account.token}` }, body: { code: codeFor(secret) } });
    expect(again.status).toBe(200);
  });
});
