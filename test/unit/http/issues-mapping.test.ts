import * as z from 'zod';
import { issueToError, parsePart, type InputPart } from '../../../lib/http/issues';
import { fieldCodes, type FieldCodes } from '../../../lib/http/field-codes';
import { BadRequestError } from '../../../lib/platform/errors';

// What a client gets when a request part is refused: real zod schemas, parsed the way the shared
// middleware parses them, and the exact API.md `{code, message}` of the 400 (fixed values).

/** Parses and returns the refusal; an accepted value or any other throw fails the test. */
function refusal(schema: z.ZodType, input: unknown, part: InputPart = 'body') {
  let thrown: unknown;
  try {
    parsePart(schema, input, part);
  } catch (error) {
    thrown = error;
  }
  if (thrown === undefined) throw new Error('the value was accepted');
  if (!(thrown instanceof BadRequestError)) throw thrown;
  expect(thrown.status).toBe(400);
  return { code: thrown.code, message: thrown.message };
}

/** The first issue zod raises for `input`, to map against another input or schema. */
function firstIssue(schema: z.ZodType, input: unknown) {
  const result = schema.safeParse(input);
  if (result.success) throw new Error('the value was accepted');
  return result.error.issues[0];
}

function mapped(issue: z.core.$ZodIssue, input: unknown, schema: z.ZodType, part: InputPart = 'body') {
  const error = issueToError(issue, input, schema, part);
  expect(error).toBeInstanceOf(BadRequestError);
  return { code: error.code, message: error.message };
}

/** A field with its own codes, registered the way lib/http/contract.ts `codedField` does. */
function coded<S extends z.ZodType>(schema: S, codes: FieldCodes): S {
  const copy = schema.clone() as S;
  fieldCodes.add(copy, codes);
  return copy;
}

const CODES: FieldCodes = { missing: 'invalid_request', invalid: 'bad_field', tooLong: 'field_huge', empty: 'field_blank' };

describe('a valid part', () => {
  it('returns the parsed output (defaults and transforms applied)', () => {
    const schema = z.object({ limit: z.coerce.number().default(20), name: z.string().transform((s) => s.trim()) });
    expect(parsePart(schema, { name: '  Ada ' }, 'query')).toEqual({ limit: 20, name: 'Ada' });
  });
});

describe('missing fields', () => {
  const schema = z.object({ email: z.string() });

  it('an absent field is missing_<name>', () => {
    expect(refusal(schema, {})).toEqual({ code: 'missing_email', message: '"email" is required.' });
  });

  it('a null field is missing too, not invalid', () => {
    expect(refusal(schema, { email: null })).toEqual({ code: 'missing_email', message: '"email" is required.' });
  });

  it('an absent field with registered codes uses its missing code', () => {
    expect(refusal(z.object({ email: coded(z.string(), CODES) }), {})).toEqual({ code: 'invalid_request', message: '"email" is required.' });
  });

  it('a missing field is reported even when the issue is not invalid_type', () => {
    // prefault feeds the absent value through the schema: the issue is too_small, the value is still absent.
    expect(refusal(z.object({ code: z.string().min(5).prefault('ab') }), {})).toEqual({ code: 'missing_code', message: '"code" is required.' });
  });
});

describe('invalid_type: the expected kind in words', () => {
  const cases: Array<[string, z.ZodType, unknown, string]> = [
    ['string', z.string(), 5, 'a string'],
    ['number', z.number(), 'five', 'a number'],
    ['int', z.int(), 1.5, 'a whole number'],
    ['boolean', z.boolean(), 'yes', 'true or false'],
    ['object', z.object({ a: z.string().optional() }), 'x', 'an object'],
    ['array', z.array(z.string()), 'x', 'a list'],
  ];
  it.each(cases)('%s', (_kind, field, value, words) => {
    expect(refusal(z.object({ field }), { field: value })).toEqual({ code: 'invalid_field', message: `"field" must be ${words}.` });
  });

  it('a kind without words names the type', () => {
    expect(refusal(z.object({ count: z.bigint() }), { count: 3 })).toEqual({ code: 'invalid_count', message: '"count" must be of type bigint.' });
  });

  it('registered codes replace the invalid code', () => {
    expect(refusal(z.object({ count: coded(z.number(), CODES) }), { count: 'x' })).toEqual({ code: 'bad_field', message: '"count" must be a number.' });
  });
});

describe('invalid_value', () => {
  it('an enum lists its values', () => {
    expect(refusal(z.object({ scope: z.enum(['read', 'write', 'admin']) }), { scope: 'root' })).toEqual({
      code: 'invalid_scope',
      message: '"scope" must be one of: read, write, admin.',
    });
  });

  it('a literal number is listed as text', () => {
    expect(refusal(z.object({ version: z.literal(2) }), { version: 3 })).toEqual({ code: 'invalid_version', message: '"version" must be one of: 2.' });
  });
});

describe('too_big', () => {
  it('a long string is <name>_too_long with the limit in characters', () => {
    expect(refusal(z.object({ summary: z.string().max(5) }), { summary: 'abcdef' })).toEqual({
      code: 'summary_too_long',
      message: '"summary" must be at most 5 characters.',
    });
  });

  it('registered codes replace the too-long code', () => {
    expect(refusal(z.object({ summary: coded(z.string().max(5), CODES) }), { summary: 'abcdef' })).toEqual({
      code: 'field_huge',
      message: '"summary" must be at most 5 characters.',
    });
  });

  it('a long list is invalid with the limit in items', () => {
    expect(refusal(z.object({ tags: z.array(z.string()).max(2) }), { tags: ['a', 'b', 'c'] })).toEqual({
      code: 'invalid_tags',
      message: '"tags" must be at most 2 items.',
    });
  });

  it('a large number is invalid with the bare limit', () => {
    expect(refusal(z.object({ limit: z.number().max(100) }), { limit: 101 })).toEqual({ code: 'invalid_limit', message: '"limit" must be at most 100.' });
  });
});

describe('too_small', () => {
  it('an empty string (min 1) is empty_<name>', () => {
    expect(refusal(z.object({ details: z.string().min(1) }), { details: '' })).toEqual({ code: 'empty_details', message: '"details" must not be empty.' });
  });

  it('registered codes replace the empty code', () => {
    expect(refusal(z.object({ details: coded(z.string().min(1), CODES) }), { details: '' })).toEqual({
      code: 'field_blank',
      message: '"details" must not be empty.',
    });
  });

  it('a short string under a minimum above 1 is invalid with the limit in characters', () => {
    expect(refusal(z.object({ code: z.string().min(2) }), { code: 'a' })).toEqual({ code: 'invalid_code', message: '"code" must be at least 2 characters.' });
  });

  it('an empty list is not an empty string: invalid with the limit in items', () => {
    expect(refusal(z.object({ tags: z.array(z.string()).min(1) }), { tags: [] })).toEqual({ code: 'invalid_tags', message: '"tags" must be at least 1 items.' });
  });

  it('a short list is invalid with the limit in items', () => {
    expect(refusal(z.object({ tags: z.array(z.string()).min(3) }), { tags: ['a'] })).toEqual({ code: 'invalid_tags', message: '"tags" must be at least 3 items.' });
  });

  it('a small number is invalid with the bare limit', () => {
    expect(refusal(z.object({ limit: z.number().min(1) }), { limit: 0 })).toEqual({ code: 'invalid_limit', message: '"limit" must be at least 1.' });
  });
});

describe('custom issues', () => {
  const domain = (path: PropertyKey[], params: Record<string, unknown> | undefined) =>
    z.object({ from: z.string().optional(), to: z.string().optional() }).superRefine((_value, ctx) => {
      ctx.addIssue({ code: 'custom', path, message: 'The range ends before it starts.', params });
    });

  it('a domain rule on a field answers with its own code and message, even for an absent value', () => {
    expect(refusal(domain(['to'], { code: 'range_reversed' }), {})).toEqual({ code: 'range_reversed', message: 'The range ends before it starts.' });
  });

  it('a domain rule on the whole value answers with its own code and message', () => {
    expect(refusal(domain([], { code: 'range_reversed' }), {}, 'query')).toEqual({ code: 'range_reversed', message: 'The range ends before it starts.' });
  });

  it('a params.code that is not a string is not a domain code', () => {
    expect(refusal(domain([], { code: 409 }), {})).toEqual({ code: 'invalid_body', message: 'The request body does not have the expected shape.' });
    expect(refusal(domain(['to'], { code: 409 }), { to: 'b' })).toEqual({ code: 'invalid_to', message: '"to" The range ends before it starts..' });
  });

  it('only a custom issue carries a domain code: other kinds with a params.code are mapped as usual', () => {
    const raised = (path: PropertyKey[]) =>
      z.object({ scope: z.string().optional() }).superRefine((_value, ctx) => {
        ctx.addIssue({ code: 'invalid_value', values: ['read'], path, message: 'no', params: { code: 'range_reversed' } } as never);
      });
    expect(firstIssue(raised(['scope']), { scope: 'x' })).toMatchObject({ code: 'invalid_value', params: { code: 'range_reversed' } });
    expect(refusal(raised(['scope']), { scope: 'x' })).toEqual({ code: 'invalid_scope', message: '"scope" must be one of: read.' });
    expect(refusal(raised([]), {}, 'params')).toEqual({ code: 'invalid_params', message: 'The path is not valid.' });
  });

  it('a refinement worded as a predicate is appended to the field name', () => {
    const schema = z.object({ slug: z.string().refine((s) => !s.includes('/'), { message: 'must not contain "/"' }) });
    expect(refusal(schema, { slug: 'a/b' })).toEqual({ code: 'invalid_slug', message: '"slug" must not contain "/".' });
  });

  it("zod's default message is not repeated", () => {
    const schema = z.object({ slug: z.string().refine((s) => !s.includes('/')) });
    expect(refusal(schema, { slug: 'a/b' })).toEqual({ code: 'invalid_slug', message: '"slug" is not valid.' });
  });

  it('an empty message is not repeated either', () => {
    const schema = z.object({ slug: z.string().optional() });
    const issue = { ...firstIssue(z.object({ slug: z.string().refine(() => false) }), { slug: 'a' }), message: '' } as z.core.$ZodIssue;
    expect(mapped(issue, { slug: 'a' }, schema)).toEqual({ code: 'invalid_slug', message: '"slug" is not valid.' });
  });

  it('registered codes replace the invalid code of a refinement', () => {
    const schema = z.object({ slug: coded(z.string().refine((s) => !s.includes('/'), { message: 'must not contain "/"' }), CODES) });
    expect(refusal(schema, { slug: 'a/b' })).toEqual({ code: 'bad_field', message: '"slug" must not contain "/".' });
  });
});

describe('other issue kinds are "not valid"', () => {
  it('a bad format', () => {
    expect(refusal(z.object({ email: z.email() }), { email: 'not-an-address' })).toEqual({ code: 'invalid_email', message: '"email" is not valid.' });
  });

  it('a number that is not a multiple', () => {
    expect(refusal(z.object({ step: z.number().multipleOf(5) }), { step: 7 })).toEqual({ code: 'invalid_step', message: '"step" is not valid.' });
  });

  it('a union with no match', () => {
    expect(refusal(z.object({ id: z.union([z.number(), z.uuid()]) }), { id: 'x' })).toEqual({ code: 'invalid_id', message: '"id" is not valid.' });
  });

  it('unknown keys inside a field', () => {
    expect(refusal(z.object({ address: z.strictObject({ city: z.string() }) }), { address: { city: 'Oslo', extra: 1 } })).toEqual({
      code: 'invalid_address',
      message: '"address" is not valid.',
    });
  });
});

describe('the whole value (no field in the path)', () => {
  const schema = z.strictObject({ q: z.string().optional() });

  it('body', () => {
    expect(refusal(schema, 'text', 'body')).toEqual({ code: 'invalid_body', message: 'The request body does not have the expected shape.' });
  });

  it('query', () => {
    expect(refusal(schema, { q: 'a', other: 'b' }, 'query')).toEqual({ code: 'invalid_query', message: 'The query string is not valid.' });
  });

  it('params', () => {
    expect(refusal(schema, null, 'params')).toEqual({ code: 'invalid_params', message: 'The path is not valid.' });
  });

  it('a plain refinement of the whole value', () => {
    const refined = z.object({ a: z.string().optional() }).refine(() => false, { message: 'must have a' });
    expect(refusal(refined, {}, 'query')).toEqual({ code: 'invalid_query', message: 'The query string is not valid.' });
  });
});

describe('names: camelCase to snake_case, the label as sent', () => {
  const cases: Array<[string, string]> = [
    ['creditAs', 'credit_as'],
    ['page2Size', 'page2_size'],
    ['aBcD', 'a_bc_d'],
    ['Name', 'name'],
    ['HTTPServer', 'httpserver'],
    ['x-y.z', 'x_y_z'],
    ['a--b', 'a_b'],
  ];
  it.each(cases)('%s → %s', (key, name) => {
    expect(refusal(z.object({ [key]: z.string() }), {})).toEqual({ code: `missing_${name}`, message: `"${key}" is required.` });
    expect(refusal(z.object({ [key]: z.string().max(1) }), { [key]: 'ab' })).toEqual({ code: `${name}_too_long`, message: `"${key}" must be at most 1 characters.` });
  });
});

describe('nested paths name the top-level field', () => {
  const schema = z.object({ address: z.object({ city: z.string().max(3) }) });

  it('a missing nested field reports the outer field missing', () => {
    expect(refusal(schema, { address: {} })).toEqual({ code: 'missing_address', message: '"address" is required.' });
  });

  it('a bad nested value is judged on the nested value', () => {
    expect(refusal(schema, { address: { city: 'Bergen' } })).toEqual({ code: 'address_too_long', message: '"address" must be at most 3 characters.' });
  });

  it('list positions are skipped for the name', () => {
    expect(refusal(z.object({ tags: z.array(z.string().max(3)) }), { tags: ['ok', 'toolong'] })).toEqual({
      code: 'tags_too_long',
      message: '"tags" must be at most 3 characters.',
    });
  });

  it('a body that is a list names the field inside its items', () => {
    expect(refusal(z.array(z.object({ name: z.string() })), [{ name: 'a' }, {}])).toEqual({ code: 'missing_name', message: '"name" is required.' });
  });

  it('the codes of the top-level field apply to a nested problem', () => {
    const withCodes = z.object({ address: coded(z.object({ city: z.string() }), CODES) });
    expect(refusal(withCodes, { address: {} })).toEqual({ code: 'invalid_request', message: '"address" is required.' });
  });

  it('a path through a null or a primitive has no value there', () => {
    const issue = firstIssue(z.object({ name: z.object({ length: z.number() }) }), { name: { length: 'x' } });
    expect(issue.path).toEqual(['name', 'length']);
    const schema = z.object({ name: z.any() });
    expect(mapped(issue, { name: null }, schema)).toEqual({ code: 'missing_name', message: '"name" is required.' });
    // A string has a `length`: the mapping must not read it as the nested value.
    expect(mapped(issue, { name: 'abc' }, schema)).toEqual({ code: 'missing_name', message: '"name" is required.' });
    expect(mapped(issue, 'abc', schema)).toEqual({ code: 'missing_name', message: '"name" is required.' });
  });

  it('a field of a schema that has no object shape gets the default codes', () => {
    expect(refusal(z.record(z.string(), z.string().max(2)), { zipCode: 'abc' })).toEqual({ code: 'zip_code_too_long', message: '"zipCode" must be at most 2 characters.' });
  });
});

describe('wrappers: the registered codes are found through them', () => {
  const base = coded(z.string().max(3), CODES);
  const cases: Array<[string, z.ZodType]> = [
    ['optional', base.optional()],
    ['nullable', base.nullable()],
    ['default', base.default('abc')],
    ['prefault', base.prefault('abc')],
    ['readonly', base.readonly()],
    ['nonoptional', base.optional().nonoptional()],
    ['pipe (its input side)', base.pipe(z.string())],
    ['pipe to a transform', base.transform((s) => s.toUpperCase())],
    ['several', base.nullable().optional().default('abc')],
  ];
  it.each(cases)('%s', (_wrapper, field) => {
    expect(refusal(z.object({ field }), { field: 'abcdef' })).toEqual({ code: 'field_huge', message: '"field" must be at most 3 characters.' });
  });

  it('nonoptional: an absent value uses the registered missing code', () => {
    expect(refusal(z.object({ field: coded(z.string(), CODES).optional().nonoptional() }), {})).toEqual({
      code: 'invalid_request',
      message: '"field" is required.',
    });
  });

  it('catch (it never fails itself: the issue comes from the unwrapped field)', () => {
    const issue = firstIssue(z.object({ field: base }), { field: 'abcdef' });
    expect(mapped(issue, { field: 'abcdef' }, z.object({ field: base.catch('abc') }))).toEqual({
      code: 'field_huge',
      message: '"field" must be at most 3 characters.',
    });
  });

  it('codes registered on the outer wrapper win', () => {
    const outer = coded(base.optional(), { tooLong: 'outer_huge' });
    expect(refusal(z.object({ field: outer }), { field: 'abcdef' })).toEqual({ code: 'outer_huge', message: '"field" must be at most 3 characters.' });
  });

  it('the pipe output side is not where the codes are looked up', () => {
    const field = z.string().pipe(coded(z.string().max(3), CODES));
    expect(refusal(z.object({ field }), { field: 'abcdef' })).toEqual({ code: 'field_too_long', message: '"field" must be at most 3 characters.' });
  });
});

describe('wrappers around the whole part: the field is still found', () => {
  const shape = { summary: coded(z.string().max(3), CODES) };
  const cases: Array<[string, z.ZodType]> = [
    ['optional', z.object(shape).optional()],
    ['readonly', z.object(shape).readonly()],
    ['transform (pipe)', z.object(shape).transform((v) => v)],
    ['default', z.object(shape).default({ summary: 'a' })],
  ];
  it.each(cases)('%s', (_wrapper, schema) => {
    expect(refusal(schema, { summary: 'abcdef' })).toEqual({ code: 'field_huge', message: '"summary" must be at most 3 characters.' });
  });
});

describe('the message never repeats the value', () => {
  it('a refused secret-looking value is not in the message', () => {
    const secret = 'sk_live_abcdefghijklmnopqrstuvwx';
    const result = refusal(z.object({ apiKey: z.string().max(8) }), { apiKey: secret });
    expect(result).toEqual({ code: 'api_key_too_long', message: '"apiKey" must be at most 8 characters.' });
    expect(result.message).not.toContain('sk_live');
  });
});
