const TRANSIENT_NAMES = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'LimitExceededException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalServerError',
  'InternalFailure',
  'InternalServiceError',
  'InternalServiceErrorException',
]);

const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);

/**
 * When a network error crosses a JavaScript realm boundary (a jest sandbox, a worker), the SDK
 * wraps it as "AWS SDK error wrapper for Error: connect ECONNREFUSED …" and the `code` is lost:
 * the message is then all that says the dependency is unreachable.
 */
const TRANSIENT_MESSAGE = /\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|EAI_AGAIN|socket hang up)\b/;

/**
 * True when an error from an AWS SDK call means "the dependency is unreachable or overloaded":
 * network failures, timeouts, throttling and 5xx answers. Such errors become a 503 with
 * Retry-After; anything else is a bug and becomes a 500.
 */
export function isTransientAwsError(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const e = error as { name?: string; code?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown; cause?: unknown; errors?: unknown[] };
  if (e.name && TRANSIENT_NAMES.has(e.name)) return true;
  if (e.code && TRANSIENT_CODES.has(e.code)) return true;
  if (e.$retryable) return true;
  if (typeof (e as { message?: unknown }).message === 'string' && TRANSIENT_MESSAGE.test((e as { message: string }).message)) return true;
  const status = e.$metadata?.httpStatusCode;
  if (typeof status === 'number' && status >= 500) return true;
  if (Array.isArray(e.errors) && e.errors.some(isTransientAwsError)) return true; // AggregateError from happy-eyeballs connects
  if (e.cause && e.cause !== error) return isTransientAwsError(e.cause);
  return false;
}

export function awsErrorName(error: unknown): string | undefined {
  return error && typeof error === 'object' && 'name' in error ? String((error as { name: unknown }).name) : undefined;
}
