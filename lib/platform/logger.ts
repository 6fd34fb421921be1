import { Logger } from '@aws-lambda-powertools/logger';
import { redactingReplacer } from './redaction';

/**
 * Structured JSON logs (Powertools). Every object logged passes through the redacting replacer,
 * so a password, token, secret, Authorization header or card field never reaches a log line,
 * whatever depth it sits at. The middleware adds the request id to every line.
 */
export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'helpshelf',
  logLevel: (process.env.LOG_LEVEL as 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | undefined) ?? 'INFO',
  jsonReplacerFn: redactingReplacer,
});

/** A short description of an error for logs: name and message, never a request/response dump. */
export function describeError(error: unknown): { name: string; message: string; stack?: string } {
  if (error instanceof Error) {
    return { name: error.name, message: error.message, stack: error.stack };
  }
  return { name: 'NonError', message: String(error) };
}
