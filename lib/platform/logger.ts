import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { redactingReplacer } from './redaction';

/**
 * The correlation id's place in an API Gateway event. Powertools' own search function needs the
 * JMESPath package; a dotted path is all this project looks up, so this reads it directly.
 */
export const API_GATEWAY_CORRELATION_PATH = 'requestContext.requestId';

function valueAtPath(path: string, data: unknown): unknown {
  let current = data;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/**
 * Structured JSON logs (Powertools). Every object logged passes through the redacting replacer,
 * so a password, token, secret, Authorization header or card field never reaches a log line,
 * whatever depth it sits at. lambdaLogging() adds the invocation's context to every line.
 */
export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'helpshelf',
  logLevel: (process.env.LOG_LEVEL as 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | undefined) ?? 'INFO',
  jsonReplacerFn: redactingReplacer,
  correlationIdSearchFn: valueAtPath,
});

/**
 * The logging middleware of every handler (HTTP, ops, schedules, queues): Powertools'
 * injectLambdaContext puts the function name, request id and cold start on every line, and the API
 * Gateway request id as `correlation_id` when the event has one; keys appended during an
 * invocation are cleared after it, so nothing leaks into the next one.
 */
export function lambdaLogging() {
  return injectLambdaContext(logger, { correlationIdPath: API_GATEWAY_CORRELATION_PATH, resetKeys: true });
}

/** A handler that is not HTTP or ops (schedules, queues), with the same logging middleware. */
export function loggedHandler<TEvent, TResult>(fn: (event: TEvent, context: Context) => Promise<TResult>) {
  return middy<TEvent, TResult, Error, Context>().use(lambdaLogging()).handler(fn);
}

/** A short description of an error for logs: name and message, never a request/response dump. */
export function describeError(error: unknown): { name: string; message: string; stack?: string } {
  if (error instanceof Error) {
    return { name: error.name, message: error.message, stack: error.stack };
  }
  return { name: 'NonError', message: String(error) };
}
