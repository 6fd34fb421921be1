import * as z from 'zod/mini';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { codedField, defineRoute } from '../../../lib/http/contract';
import { domainRule, emailAddress, errorBody, plainText } from '../../../lib/http/fields';
import { httpRoute } from '../../../lib/http/handler';
import { json } from '../../../lib/http/responses';
import { BadRequestError } from '../../../lib/platform/errors';
import { apiGatewayEvent, lambdaContext, type TestRequest } from '../../support/http';

// A route declared the way every capability declares its routes, with a handler that records
// what it received: each refusal must leave it unrun.
const seen: unknown[] = [];

const noteBody = z.object({
  email: emailAddress,
  title: plainText(10),
  body: z.nullish(plainText(50, { lines: true })),
  kind: z.enum(['bug', 'idea']),
  votes: z.nullish(z.number().check(z.int(), z.gte(0), z.lte(5))),
  token: codedField(z.string(), { missing: 'invalid_request', invalid: 'invalid_request' }),
  word: z.nullish(
    z.pipe(
      z.string(),
      z.transform(
        domainRule((value: string) => {
          if (value !== 'please') throw new BadRequestError('impolite', 'Say please.');
          return value.toUpperCase();
        }),
      ),
    ),
  ),
});

const noteRoute = defineRoute({
  id: 'createNote',
  method: 'POST',
  path: '/v1/notes/{id}',
  tag: 'test',
  summary: 'a test route',
  auth: 'none',
  params: z.object({ id: z.string().check(z.regex(/^n_[a-z]+$/)) }),
  query: z.object({ dryRun: z.optional(z.enum(['true', 'false'])) }),
  body: { mode: 'json', schema: noteBody, maxBytes: 2048 },
  responses: { 201: { description: 'created', schema: z.object({ got: z.unknown() }) }, 400: { description: 'bad', schema: errorBody } },
});

const handler = httpRoute(noteRoute, async (request) => {
  seen.push(request.input);
  // Types flow from the schema: `email` is a string, `votes` a number or null/undefined.
  const email: string = request.input.body.email;
  const votes: number | null | undefined = request.input.body.votes;
  return json(201, { got: { ...request.input, email, votes } });
});

const good = { email: ' Ada@Example.COM ', title: ' Hi ', kind: 'bug', token: 't' };

async function call(request: Partial<TestRequest> & { params?: Record<string, string>; query?: string }) {
  const params = request.params ?? { id: 'n_abc' };
  const event = apiGatewayEvent({ method: 'POST', path: `/v1/notes/${params.id}${request.query ?? ''}`, body: good, ...request } as TestRequest, '/v1/notes/{id}', params);
  const result = (await handler(event, lambdaContext('unit'))) as APIGatewayProxyResult;
  return { status: result.statusCode, json: result.body ? JSON.parse(result.body) : undefined };
}

beforeEach(() => {
  seen.length = 0;
});

describe('a route declared by its contract', () => {
  it('when the input is valid, the handler gets what the schemas output (trimmed, normalised, typed)', async () => {
    const res = await call({ query: '?dryRun=true' });
    expect(res.status).toBe(201);
    expect(seen).toEqual([{ body: { email: 'ada@example.com', title: 'Hi', kind: 'bug', token: 't' }, query: { dryRun: 'true' }, params: { id: 'n_abc' } }]);
  });

  it.each([
    ['a missing field', { email: undefined }, 'missing_email'],
    ['a null field', { title: null }, 'missing_title'],
    ['a field of the wrong type', { title: 42 }, 'invalid_title'],
    ['text only of spaces', { title: '   ' }, 'empty_title'],
    ['text over its limit', { title: 'x'.repeat(11) }, 'title_too_long'],
    ['a control character', { title: 'a\u0007b' }, 'invalid_title'],
    ['a line break where none is allowed', { title: 'a\nb' }, 'invalid_title'],
    ['a value outside an enum', { kind: 'rant' }, 'invalid_kind'],
    ['a number out of range', { votes: 9 }, 'invalid_votes'],
    ['a fraction where a whole number is needed', { votes: 1.5 }, 'invalid_votes'],
    ['an address the one email rule refuses', { email: 'ada@exаmple.com' }, 'invalid_email'],
    ['a domain rule refusing', { word: 'now' }, 'impolite'],
    ['a missing field with its own code', { token: undefined }, 'invalid_request'],
    ['a wrong type with its own code', { token: 7 }, 'invalid_request'],
  ])('when the body has %s %j, it is 400 %s and the handler never runs', async (_what, overrides, code) => {
    const body: Record<string, unknown> = { ...good };
    for (const [key, value] of Object.entries(overrides)) {
      if (value === undefined) delete body[key];
      else body[key] = value;
    }
    const res = await call({ body });
    expect(res).toEqual({ status: 400, json: { error: { code, message: expect.any(String) } } });
    expect(seen).toHaveLength(0);
  });

  it('when several fields are wrong, the first one in the schema is reported', async () => {
    const res = await call({ body: { ...good, email: undefined, kind: 'rant' } });
    expect(res.json.error.code).toBe('missing_email');
  });

  it('never echoes the refused value in the message', async () => {
    const res = await call({ body: { ...good, title: 'secret-ish value!' } });
    expect(res.json.error.code).toBe('title_too_long');
    expect(res.json.error.message).not.toContain('secret-ish');
  });

  it('when a path parameter or the query does not match its schema, it is 400 and the handler never runs', async () => {
    expect((await call({ params: { id: 'x' } })).json.error.code).toBe('invalid_id');
    expect((await call({ query: '?dryRun=maybe' })).json.error.code).toBe('invalid_dry_run');
    expect(seen).toHaveLength(0);
  });

  it('a field given its own codes does not change the codes of the schema it was copied from', async () => {
    const shared = z.string();
    codedField(shared, { missing: 'invalid_request' });
    const route = defineRoute({ ...noteRoute, body: { mode: 'json', schema: z.object({ name: shared }) } });
    const event = apiGatewayEvent({ method: 'POST', path: '/v1/notes/n_a', body: {} } as TestRequest, '/v1/notes/{id}', { id: 'n_a' });
    const result = (await httpRoute(route, async () => json(201, {}))(event, lambdaContext('unit'))) as APIGatewayProxyResult;
    expect(JSON.parse(result.body).error.code).toBe('missing_name');
  });

  it('the body checks of the shared stack still come first (413, 415, invalid_json)', async () => {
    expect((await call({ body: { ...good, title: 'x'.repeat(3000) } })).json.error.code).toBe('payload_too_large');
    expect((await call({ body: '{"a":', headers: { 'Content-Type': 'application/json' } })).json.error.code).toBe('invalid_json');
    expect((await call({ body: '{}', headers: { 'Content-Type': 'text/plain' } })).json.error.code).toBe('unsupported_media_type');
    expect(seen).toHaveLength(0);
  });

  it('a raw body (a signed webhook) is never parsed before the handler verifies it', async () => {
    const raw: unknown[] = [];
    const route = defineRoute({ ...noteRoute, params: undefined, query: undefined, body: { mode: 'raw', schema: z.object({ id: z.string() }) } });
    const rawHandler = httpRoute(route, async (request) => {
      raw.push([request.rawBody, request.input.body]);
      return json(201, {});
    });
    const event = apiGatewayEvent({ method: 'POST', path: '/v1/notes/n_a', body: 'not json at all', headers: { 'Content-Type': 'application/json' } } as TestRequest, '/v1/notes/{id}', { id: 'n_a' });
    const result = (await rawHandler(event, lambdaContext('unit'))) as APIGatewayProxyResult;
    expect(result.statusCode).toBe(201);
    expect(raw).toEqual([['not json at all', undefined]]);
  });

  it('the handler carries its contract, so tests can match functions to routes', () => {
    expect(handler.route).toBe(noteRoute);
  });
});
