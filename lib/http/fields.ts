import * as z from 'zod/mini';
import { withMeta } from '../platform/zod-mini';
import { AppError } from '../platform/errors';
import { MAX_EMAIL_LENGTH, normaliseEmail } from '../platform/email';

/**
 * Building blocks shared by the capabilities' schemas (lib/<capability>/schemas.ts): the one
 * email rule, the error body, and the bridge that lets a domain rule run inside a schema.
 */

/**
 * Runs a domain rule (a function that returns the accepted value or throws a 400 AppError) as a
 * zod transform: its error code and message become the issue the client sees. Anything else it
 * throws is not a validation problem and propagates (a 500 or 503 as usual).
 */
export function domainRule<I, O>(rule: (value: I) => O) {
  return (value: I, payload: z.core.ParsePayload): O => {
    try {
      return rule(value);
    } catch (error) {
      if (error instanceof AppError && error.status === 400) {
        payload.issues.push(customIssue(value, error.message, error.code));
        return z.NEVER;
      }
      throw error;
    }
  };
}

/** A refusal with its own error code, as a transform reports it (zod/mini's transforms have no addIssue). */
export function customIssue(input: unknown, message: string, code: string): z.core.$ZodRawIssue {
  return { code: 'custom', message, params: { code }, input, path: [] } as unknown as z.core.$ZodRawIssue;
}

/** The one email rule of the system (lib/platform/email.ts): trimmed, lower-cased, plain ASCII. */
export const emailAddress = z.pipe(withMeta(z.string(), { format: 'email', maxLength: MAX_EMAIL_LENGTH, example: 'ada@example.com' }), z.transform(domainRule<string, string>(normaliseEmail)));

const CONTROL = /[\u0000-\u001f\u007f]/;
const CONTROL_EXCEPT_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/**
 * Free text a person types: trimmed, not empty, at most `max` characters counted as people count
 * them (code points, so an emoji is one), no control characters (tabs and line breaks only where
 * `lines` allows them).
 */
export function plainText(max: number, options: { lines?: boolean } = {}) {
  const control = options.lines ? CONTROL_EXCEPT_LINES : CONTROL;
  return withMeta(
    z.string().check(
      z.trim(),
      z.minLength(1),
      z.superRefine((value, ctx) => {
        if ([...value].length > max) ctx.addIssue({ code: 'too_big', origin: 'string', maximum: max, inclusive: true, input: value });
      }),
      z.refine((value) => !control.test(value), { message: `must not contain control characters${options.lines ? ' other than tabs and line breaks' : ''}` }),
    ),
    { maxLength: max },
  );
}

/** ISO 8601 UTC timestamp, as every timestamp of the API is. */
export const isoTimestamp = withMeta(z.string(), { format: 'date-time', example: '2026-12-02T09:30:00.000Z' });

/** The API.md error shape. */
export const errorBody = withMeta(
  z.object({
    error: z.object({
      code: withMeta(z.string(), { description: 'snake_case, stable: what clients branch on', example: 'invalid_email' }),
      message: withMeta(z.string(), { description: 'for people; may change' }),
    }),
  }),
  { id: 'Error' },
);
