/**
 * Typed errors. Domain code throws these; the shared HTTP middleware maps them to a status
 * code and the API.md error shape. Anything that is not an AppError becomes a generic 500.
 */
export class AppError extends Error {
  readonly status: number;
  readonly code: string;
  readonly headers: Record<string, string>;

  constructor(status: number, code: string, message: string, options?: { cause?: unknown; headers?: Record<string, string> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.status = status;
    this.code = code;
    this.headers = options?.headers ?? {};
  }
}

export class BadRequestError extends AppError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(400, code, message, options);
  }
}

export class UnauthorizedError extends AppError {
  constructor(code = 'unauthorized', message = 'A valid access token is required.') {
    super(401, code, message, { headers: { 'WWW-Authenticate': 'Bearer' } });
  }
}

export class ForbiddenError extends AppError {
  constructor(code = 'forbidden', message = 'You are not allowed to do this.') {
    super(403, code, message);
  }
}

export class NotFoundError extends AppError {
  constructor(code = 'not_found', message = 'Not found.') {
    super(404, code, message);
  }
}

export class MethodNotAllowedError extends AppError {
  constructor(allowed: string[]) {
    super(405, 'method_not_allowed', `Method not allowed. Allowed: ${allowed.join(', ')}.`, {
      headers: { Allow: allowed.join(', ') },
    });
  }
}

export class ConflictError extends AppError {
  constructor(code: string, message: string) {
    super(409, code, message);
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(limitBytes: number) {
    super(413, 'payload_too_large', `The request body is larger than ${limitBytes} bytes.`);
  }
}

export class UnsupportedMediaTypeError extends AppError {
  constructor(expected: string) {
    super(415, 'unsupported_media_type', `The request body must be ${expected}.`);
  }
}

export class TooManyRequestsError extends AppError {
  readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number, code = 'too_many_attempts', message = 'Too many attempts. Try again later.') {
    const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
    super(429, code, message, { headers: { 'Retry-After': String(seconds) } });
    this.retryAfterSeconds = seconds;
  }
}

/** A dependency (DynamoDB, Secrets Manager, SQS...) is unreachable or throttling: the client may retry. */
export class ServiceUnavailableError extends AppError {
  constructor(message = 'The service is temporarily unavailable. Try again shortly.', options?: { cause?: unknown; retryAfterSeconds?: number }) {
    super(503, 'service_unavailable', message, {
      cause: options?.cause,
      headers: { 'Retry-After': String(options?.retryAfterSeconds ?? 2) },
    });
  }
}

export class ValidationError extends BadRequestError {
  constructor(message: string, code = 'invalid_request') {
    super(code, message);
  }
}
