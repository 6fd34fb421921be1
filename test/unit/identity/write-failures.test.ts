import { cancellationReasons, classifyWriteFailure, conditionalWrite, isConditionFailure, reasonsByName } from '../../../lib/identity/write-failures';
import { ServiceUnavailableError } from '../../../lib/platform/errors';

const cancelled = (...codes: Array<string | undefined>) =>
  Object.assign(new Error('cancelled'), { name: 'TransactionCanceledException', CancellationReasons: codes.map((Code) => (Code === undefined ? {} : { Code })) });

describe('what a refused write means (issue 21 §5)', () => {
  it('a failed condition, alone or in a transaction, is a condition failure', () => {
    expect(classifyWriteFailure(Object.assign(new Error('x'), { name: 'ConditionalCheckFailedException' }))).toBe('condition');
    expect(classifyWriteFailure(cancelled('None', 'ConditionalCheckFailed', 'None'))).toBe('condition');
    expect(isConditionFailure(cancelled('ConditionalCheckFailed'))).toBe(true);
  });

  it.each(['ThrottlingError', 'ProvisionedThroughputExceeded', 'RequestLimitExceeded'])('a transaction cancelled with %s is throttled, never a failed condition, even beside one', (code) => {
    expect(classifyWriteFailure(cancelled('None', code))).toBe('throttled');
    expect(classifyWriteFailure(cancelled('ConditionalCheckFailed', code))).toBe('throttled');
    expect(isConditionFailure(cancelled(code, 'None'))).toBe(false);
  });

  it.each(['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded'])('a single write refused with %s is throttled', (name) => {
    expect(classifyWriteFailure(Object.assign(new Error('x'), { name }))).toBe('throttled');
  });

  it('a conflict with another transaction is a conflict; beside a failed condition, the condition decides', () => {
    expect(classifyWriteFailure(cancelled('TransactionConflict', 'None'))).toBe('conflict');
    expect(isConditionFailure(cancelled('TransactionConflict'))).toBe(false);
    expect(classifyWriteFailure(cancelled('TransactionConflict', 'ConditionalCheckFailed'))).toBe('condition');
  });

  it('a cancellation without reasons counts as a failed condition (emulators); anything else is other', () => {
    expect(classifyWriteFailure(cancelled())).toBe('condition');
    expect(classifyWriteFailure(Object.assign(new Error('x'), { name: 'TransactionCanceledException' }))).toBe('condition');
    expect(classifyWriteFailure(new Error('boom'))).toBe('other');
    expect(classifyWriteFailure(undefined)).toBe('other');
    expect(classifyWriteFailure('TransactionCanceledException')).toBe('other');
  });

  it('reads reasons by the names of the items, with the item the condition saw', () => {
    const error = Object.assign(new Error('c'), { name: 'TransactionCanceledException', CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed', Item: { userId: { S: 'usr_1' } } }, {}] });
    expect(reasonsByName(error, ['user', 'lock', 'verification'] as const)).toEqual({
      user: { code: 'None' },
      lock: { code: 'ConditionalCheckFailed', item: { userId: { S: 'usr_1' } } },
      verification: { code: 'None' },
    });
    expect(reasonsByName(new Error('x'), ['user'] as const)).toEqual({});
    expect(cancellationReasons(Object.assign(new Error('x'), { name: 'ConditionalCheckFailedException' }))).toEqual([]);
  });
});

describe('one conditional write (the identity, second-factor and passkey stores)', () => {
  const refusing = (error: unknown) => () => Promise.reject(error);

  it('true when the write was made; false when a condition failed or another transaction won', async () => {
    await expect(conditionalWrite(() => Promise.resolve({}))).resolves.toBe(true);
    await expect(conditionalWrite(refusing(Object.assign(new Error('x'), { name: 'ConditionalCheckFailedException' })))).resolves.toBe(false);
    await expect(conditionalWrite(refusing(cancelled('None', 'ConditionalCheckFailed')))).resolves.toBe(false);
    await expect(conditionalWrite(refusing(cancelled('TransactionConflict', 'None')))).resolves.toBe(false);
  });

  it('a throttled transaction is a 503 carrying the cause, never "changed meanwhile"', async () => {
    const throttled = cancelled('ConditionalCheckFailed', 'ThrottlingError');
    const refused = await conditionalWrite(refusing(throttled)).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ServiceUnavailableError);
    expect((refused as ServiceUnavailableError).cause).toBe(throttled);
  });

  it('anything else propagates as it is', async () => {
    const boom = new Error('boom');
    await expect(conditionalWrite(refusing(boom))).rejects.toBe(boom);
  });
});
