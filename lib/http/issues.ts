import * as z from 'zod/mini';
import { BadRequestError } from '../platform/errors';
import { fieldCodes, type FieldCodes } from './field-codes';

/** Where a value came from, for the messages and the code of a whole-value problem. */
export type InputPart = 'body' | 'query' | 'params';

type Issue = z.core.$ZodIssue;
type Schema = z.core.$ZodType;

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'catch', 'readonly', 'nonoptional']);

/** The schema and every wrapper around it (optional, nullable, default, pipe...), outermost first. */
function layers(schema: Schema | undefined): Schema[] {
  const out: Schema[] = [];
  let current = schema;
  while (current) {
    out.push(current);
    const def = current._zod.def as unknown as { type: string; innerType?: Schema; in?: Schema };
    if (WRAPPERS.has(def.type)) current = def.innerType;
    else if (def.type === 'pipe') current = def.in;
    else current = undefined;
  }
  return out;
}

function fieldSchema(root: Schema, key: string): Schema | undefined {
  for (const layer of layers(root)) {
    const def = layer._zod.def as unknown as { type: string; shape?: Record<string, Schema> };
    if (def.type === 'object' && def.shape) return def.shape[key];
  }
  return undefined;
}

function codesOf(schema: Schema | undefined): FieldCodes {
  for (const layer of layers(schema)) {
    const codes = fieldCodes.get(layer);
    if (codes) return codes;
  }
  return {};
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

const snake = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9]+/g, '_').toLowerCase();

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
};

/**
 * Turns the first zod issue of a refused value into the API.md error: a 400 whose code names the
 * field and the problem (`missing_email`, `invalid_scope`, `summary_too_long`, `empty_details`),
 * or the code a domain rule raised (a custom issue with `params.code`). The message is ours,
 * never zod's, and never repeats the value.
 */
export function issueToError(issue: Issue, input: unknown, schema: Schema, part: InputPart): BadRequestError {
  const key = issue.path.find((segment): segment is string => typeof segment === 'string');
  if (key === undefined) {
    if (issue.code === 'custom' && typeof issue.params?.code === 'string') return new BadRequestError(issue.params.code, issue.message);
    return new BadRequestError(`invalid_${part}`, part === 'body' ? 'The request body does not have the expected shape.' : `The ${part === 'query' ? 'query string' : 'path'} is not valid.`);
  }
  const name = snake(key);
  const codes = codesOf(fieldSchema(schema, key));
  const label = `"${key}"`;
  const value = valueAt(input, issue.path);

  if (issue.code === 'custom' && typeof issue.params?.code === 'string') return new BadRequestError(issue.params.code, issue.message);
  if (value === undefined || value === null) return new BadRequestError(codes.missing ?? `missing_${name}`, `${label} is required.`);
  const invalid = (message: string) => new BadRequestError(codes.invalid ?? `invalid_${name}`, message);

  switch (issue.code) {
    case 'invalid_type':
      return invalid(`${label} must be ${EXPECTED[issue.expected] ?? `of type ${issue.expected}`}.`);
    case 'invalid_value':
      return invalid(`${label} must be one of: ${issue.values.map(String).join(', ')}.`);
    case 'too_big':
      if (issue.origin === 'string') return new BadRequestError(codes.tooLong ?? `${name}_too_long`, `${label} must be at most ${issue.maximum} characters.`);
      return invalid(`${label} must be at most ${issue.maximum}${issue.origin === 'array' ? ' items' : ''}.`);
    case 'too_small':
      if (issue.origin === 'string' && Number(issue.minimum) <= 1) return new BadRequestError(codes.empty ?? `empty_${name}`, `${label} must not be empty.`);
      return invalid(`${label} must be at least ${issue.minimum}${issue.origin === 'string' ? ' characters' : issue.origin === 'array' ? ' items' : ''}.`);
    case 'custom':
      // Our refinements word their message as a predicate ("must not contain ..."); zod's default is "Invalid input".
      return invalid(issue.message && !issue.message.startsWith('Invalid') ? `${label} ${issue.message}.` : `${label} is not valid.`);
    default:
      return invalid(`${label} is not valid.`);
  }
}

/** Parses one part of the request; the first problem becomes the 400 the client sees. */
export function parsePart<S extends Schema>(schema: S, input: unknown, part: InputPart): z.output<S> {
  const result = z.safeParse(schema, input);
  if (result.success) return result.data;
  throw issueToError(result.error.issues[0], input, schema, part);
}
