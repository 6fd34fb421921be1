import * as z from 'zod/mini';
import { preprocess } from '../platform/zod-mini';
import { MAX_EMAIL_LENGTH, normaliseEmail } from '../platform/email';
import { BadRequestError } from '../platform/errors';

/**
 * The schemas of ops action arguments, and how a refused argument becomes the error the CLI
 * prints: `missing_argument` ("--name is required.") or `invalid_argument`, unless a refinement
 * names its own code (`params: { code }`, the convention the HTTP contract uses too). Messages name
 * the CLI flag (`contactEmail` → `--contact-email`) and never repeat the value.
 */

/** The CLI leaves an option out, sends '' for an empty one; either means "not given". */
const blankToUndefined = (value: unknown) => (value === '' || value === null ? undefined : value);

/** Text the caller must give: at most `max` characters, trimmed, not blank. */
export const requiredText = (max: number) => preprocess(blankToUndefined, z.string().check(z.maxLength(max), z.trim(), z.minLength(1)));

/** Text the caller may give: at most `max` characters, as given. */
export const optionalText = (max: number) => preprocess(blankToUndefined, z.optional(z.string().check(z.maxLength(max))));

/** A whole number from min to max, as a number or as the digits the CLI sends. */
export const wholeNumber = (min: number, max: number, fallback: number) =>
  preprocess(
    (value) => {
      const given = blankToUndefined(value);
      return typeof given === 'string' && /^\s*\d+\s*$/.test(given) ? Number(given) : given;
    },
    z._default(z.number().check(z.int(), z.gte(min), z.lte(max)), fallback),
  );

/** One of a few words; absent means `fallback`. */
export function choice<const T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) {
  const word = z.enum(values, { error: (issue) => `--${kebab(String(issue.path?.[0] ?? 'argument'))} must be one of: ${values.join(', ')}.` });
  return preprocess(blankToUndefined, z._default(word, fallback as never));
}

/** An email address the caller may give, by the system's one email rule (lib/platform/email.ts): normalised, or `invalid_email`. */
export const optionalEmail = (flagName: string) =>
  z.pipe(
    optionalText(MAX_EMAIL_LENGTH + 64),
    z.transform((raw: string | undefined, payload) => {
      if (raw === undefined) return undefined;
      try {
        return normaliseEmail(raw);
      } catch (error) {
        if (!(error instanceof BadRequestError)) throw error;
        payload.issues.push({ code: 'custom', input: raw, path: [], ...refusal(error.code, `--${flagName} is not a valid email address.`) } as unknown as z.core.$ZodRawIssue);
        return z.NEVER;
      }
    }),
  );

/** A boolean flag (absent is false). */
export const flag = () => preprocess(blankToUndefined, z._default(z.boolean(), false));

/** A refinement failure with its own error code. */
export const refusal = (code: string, message: string) => ({ message, params: { code } });

const kebab = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();

function messageOf(issue: z.core.$ZodRawIssue): string {
  const name = `--${kebab(String(issue.path?.[0] ?? 'argument'))}`;
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return `${name} is required.`;
      return issue.expected === 'boolean' ? `${name} is a flag.` : `${name} must be ${issue.expected === 'string' ? 'text' : issue.expected === 'array' ? 'a list' : `a ${issue.expected}`}.`;
    case 'too_big':
      if (issue.origin === 'string') return `${name} must be at most ${issue.maximum} characters.`;
      if (issue.origin === 'array') return `At most ${issue.maximum} ${name} values.`;
      return `${name} must be at most ${issue.maximum}.`;
    case 'too_small':
      if (issue.origin === 'string' && issue.minimum === 1) return `${name} is required.`;
      if (issue.origin === 'string') return `${name} must be at least ${issue.minimum} characters.`;
      return `${name} must be at least ${issue.minimum}.`;
    default:
      return `${name} is not valid.`;
  }
}

/** Parses an action's arguments; the first problem is a 400 with a clear message. */
export function parseArgs<S extends z.core.$ZodType>(schema: S, args: unknown): z.output<S> {
  const parsed = z.safeParse(schema, args, { reportInput: true, error: messageOf });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const missing = (issue.code === 'invalid_type' && issue.input === undefined) || (issue.code === 'too_small' && issue.origin === 'string' && issue.minimum === 1);
  const code = issue.code === 'custom' && typeof issue.params?.code === 'string' ? issue.params.code : missing ? 'missing_argument' : 'invalid_argument';
  throw new BadRequestError(code, issue.message);
}
