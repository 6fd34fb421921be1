import type middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { AppError, PayloadTooLargeError, ServiceUnavailableError, UnsupportedMediaTypeError, BadRequestError } from '../platform/errors';
import { isTransientAwsError } from '../platform/aws/errors';
import { describeError, logger } from '../platform/logger';
import { nowEpochMillis } from '../platform/time';
import type { RouteContract } from './contract';
import { parsePart } from './issues';
import { withSecurityHeaders, type HeaderProfile } from './security-headers';
import type { BodyMode, HttpResponse } from './types';

/** What the body and input middlewares leave on the event for the handler. */
export interface ParsedEvent extends APIGatewayProxyEvent {
  helpshelf?: { rawBody: string; body: unknown; auth?: unknown; input?: { body: unknown; query: unknown; params: unknown } };
}

type Request = middy.Request<ParsedEvent, APIGatewayProxyResult | HttpResponse, Error, Context>;
type Middleware = middy.MiddlewareObj<ParsedEvent, APIGatewayProxyResult | HttpResponse, Error, Context>;

function checkOptions<T extends object>(name: string, defaults: T, options: Partial<T>): T {
  for (const key of Object.keys(options)) {
    if (!(key in defaults)) throw new TypeError(`${name}: unknown option "${key}"`);
  }
  return { ...defaults, ...options };
}

export function headerValue(event: APIGatewayProxyEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted && value !== undefined) return value;
  }
  return undefined;
}

/** Logs one access line per request (lambdaLogging, first in the stack, puts the correlation id on it). */
export function requestLogging(): Middleware {
  const started = new WeakMap<object, number>();
  const finish = (request: Request, status: number) => {
    logger.info('request completed', {
      method: request.event.httpMethod,
      route: request.event.resource,
      status,
      durationMs: nowEpochMillis() - (started.get(request) ?? nowEpochMillis()),
    });
  };
  return {
    before: (request) => {
      started.set(request, nowEpochMillis());
    },
    after: (request) => finish(request, (request.response as APIGatewayProxyResult | undefined)?.statusCode ?? 0),
    onError: (request) => finish(request, (request.response as APIGatewayProxyResult | undefined)?.statusCode ?? 500),
  };
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(?:;|$)/i;

/**
 * Decodes and checks the body before the handler sees it: a size limit in bytes (413), the
 * content type the route accepts (415), JSON that parses (400 invalid_json) into an object
 * (400 invalid_body). `raw` mode keeps the exact bytes for signature verification.
 */
export function bodyParser(opts: Partial<{ mode: BodyMode; maxBytes: number }> = {}): Middleware {
  const options = checkOptions('bodyParser', { mode: 'none' as BodyMode, maxBytes: 64 * 1024 }, opts);
  return {
    before: (request) => {
      const event = request.event;
      const encoded = event.body ?? '';
      // Check the encoded length first so a huge body is refused before it is decoded.
      if (encoded.length > (event.isBase64Encoded ? Math.ceil(options.maxBytes / 3) * 4 + 4 : options.maxBytes * 4)) {
        throw new PayloadTooLargeError(options.maxBytes);
      }
      const buffer = event.isBase64Encoded ? Buffer.from(encoded, 'base64') : Buffer.from(encoded, 'utf8');
      if (buffer.length > options.maxBytes) throw new PayloadTooLargeError(options.maxBytes);
      const rawBody = buffer.toString('utf8');
      let body: unknown;

      if (options.mode === 'json') {
        const contentType = headerValue(event, 'content-type') ?? '';
        if (rawBody.length > 0 && !JSON_TYPE.test(contentType)) throw new UnsupportedMediaTypeError('application/json');
        if (rawBody.trim().length === 0) throw new BadRequestError('invalid_json', 'A JSON object body is required.');
        try {
          body = JSON.parse(rawBody);
        } catch {
          throw new BadRequestError('invalid_json', 'The request body is not valid JSON.');
        }
        if (body === null || typeof body !== 'object' || Array.isArray(body)) {
          throw new BadRequestError('invalid_body', 'The JSON body must be an object.');
        }
      } else if (options.mode === 'form') {
        const contentType = headerValue(event, 'content-type') ?? '';
        if (rawBody.length > 0 && !FORM_TYPE.test(contentType)) {
          throw new UnsupportedMediaTypeError('application/x-www-form-urlencoded');
        }
        body = Object.fromEntries(new URLSearchParams(rawBody));
      }
      event.helpshelf = { rawBody, body };
    },
  };
}

const defined = (values: Record<string, string | undefined> | null | undefined) =>
  Object.fromEntries(Object.entries(values ?? {}).filter(([, v]) => v !== undefined));

/**
 * The contract's parse step: path parameters, query and body (json and form modes; a raw body
 * is left for the handler to verify first) go through the route's zod schemas, and the first
 * problem becomes a 400 with the field's code (lib/http/issues.ts). The handler runs only with
 * input that passed, as `request.input`.
 */
export function inputParser(route: RouteContract): Middleware {
  return {
    before: (request) => {
      const event = request.event;
      const params = route.params ? parsePart(route.params, defined(event.pathParameters), 'params') : {};
      const query = route.query ? parsePart(route.query, defined(event.queryStringParameters), 'query') : {};
      const parsed = route.body && route.body.mode !== 'raw' ? parsePart(route.body.schema, event.helpshelf?.body, 'body') : undefined;
      event.helpshelf = { ...event.helpshelf, rawBody: event.helpshelf?.rawBody ?? '', body: event.helpshelf?.body, input: { body: parsed, query, params } };
    },
  };
}

/**
 * Turns any error into the API.md error shape. Typed errors keep their status and code;
 * an unreachable or throttling AWS dependency is a 503 with Retry-After; anything else is a
 * generic 500. Messages of untyped errors never reach the client.
 */
export function errorMapper(): Middleware {
  return {
    onError: (request) => {
      const error = request.error;
      let mapped: AppError;
      if (error instanceof AppError) {
        mapped = error;
      } else if (isTransientAwsError(error)) {
        mapped = new ServiceUnavailableError(undefined, { cause: error });
      } else {
        mapped = new AppError(500, 'internal_error', 'Something went wrong on our side. Try again later.');
      }
      if (mapped.status >= 500) {
        logger.error('request failed', { error: describeError(error), status: mapped.status });
      } else {
        logger.info('request rejected', { status: mapped.status, code: mapped.code });
      }
      request.response = {
        statusCode: mapped.status,
        headers: { 'Content-Type': 'application/json; charset=utf-8', ...mapped.headers },
        body: JSON.stringify({ error: { code: mapped.code, message: mapped.message } }),
      };
    },
  };
}

/** Serialises the handler's HttpResponse into what API Gateway expects. */
export function responseSerializer(): Middleware {
  return {
    after: (request) => {
      const response = request.response as HttpResponse;
      const headers: Record<string, string> = { ...(response.headers ?? {}) };
      let body = '';
      if (response.text !== undefined) {
        body = response.text;
        headers['Content-Type'] = response.contentType ?? 'text/plain; charset=utf-8';
      } else if (response.body !== undefined) {
        body = JSON.stringify(response.body);
        headers['Content-Type'] = response.contentType ?? 'application/json; charset=utf-8';
      }
      request.response = { statusCode: response.statusCode, headers, body };
    },
  };
}

/** Registered first so it runs last: every response, errors included, carries the headers. */
export function securityHeaders(profile: HeaderProfile = 'api'): Middleware {
  const apply = (request: Request) => {
    if (request.response) request.response = withSecurityHeaders(request.response as APIGatewayProxyResult, profile);
  };
  return { after: apply, onError: apply };
}
