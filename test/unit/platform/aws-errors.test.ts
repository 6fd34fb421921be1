import { isTransientAwsError } from '../../../lib/platform/aws/errors';

describe('telling an unreachable dependency from a bug', () => {
  it.each([
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4566'), { code: 'ECONNREFUSED' })],
    ['the SDK wrapper that lost the code across realms', new Error('AWS SDK error wrapper for Error: connect ECONNREFUSED 127.0.0.1:4566')],
    ['a request timeout', Object.assign(new Error('timed out'), { name: 'TimeoutError' })],
    ['throttling', Object.assign(new Error('slow down'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } })],
    ['a 5xx from the service', Object.assign(new Error('oops'), { name: 'InternalServerError', $metadata: { httpStatusCode: 500 } })],
    ['an AggregateError of connect failures', Object.assign(new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })]), {})],
  ])('treats %s as transient (503)', (_what, error) => {
    expect(isTransientAwsError(error)).toBe(true);
  });

  it.each([
    ['a validation error', Object.assign(new Error('One or more parameter values were invalid'), { name: 'ValidationException', $metadata: { httpStatusCode: 400 } })],
    ['a missing table', Object.assign(new Error('Requested resource not found'), { name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 400 } })],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'pk')")],
    ['not an error at all', 'ECONNREFUSED?'],
  ])('treats %s as a bug (500)', (_what, error) => {
    expect(isTransientAwsError(error)).toBe(false);
  });
});
