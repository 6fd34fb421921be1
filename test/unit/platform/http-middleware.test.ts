import { httpHandler } from '../../../lib/http/handler';
import { json } from '../../../lib/http/responses';
import { ConflictError } from '../../../lib/platform/errors';
import { apiGatewayEvent, lambdaContext, type TestRequest } from '../../support/http';
import type { APIGatewayProxyResult } from 'aws-lambda';

// A handler behind the shared stack that records what it was given, so each case can prove the
// handler never ran (nothing changed) when the request was refused.
const seen: unknown[] = [];
const echo = httpHandler({ body: 'json', maxBodyBytes: 1024 }, async (request) => {
  seen.push(request.body);
  return json(200, { got: request.body });
});

async function call(handler: typeof echo, request: Partial<TestRequest>) {
  const event = apiGatewayEvent({ method: 'POST', path: '/v1/echo', ...request } as TestRequest, '/v1/echo', {});
  const result = (await handler(event, lambdaContext('unit'))) as APIGatewayProxyResult;
  return { ...result, json: result.body ? JSON.parse(result.body) : undefined };
}

function expectSecurityHeaders(result: APIGatewayProxyResult) {
  expect(result.headers).toMatchObject({
    'Strict-Transport-Security': 'max-age=63072000; includeSubDomains',
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
  });
}

beforeEach(() => {
  seen.length = 0;
});

describe('the shared HTTP middleware stack', () => {
  it('when the body is a JSON object, it hands the parsed object to the handler', async () => {
    const result = await call(echo, { body: { a: 1 } });
    expect(result.statusCode).toBe(200);
    expect(result.json).toEqual({ got: { a: 1 } });
    expectSecurityHeaders(result);
  });

  it('when a base64-encoded body arrives, it decodes it first', async () => {
    const result = await call(echo, { body: '{"b":"ü"}', isBase64Encoded: true, headers: { 'Content-Type': 'application/json' } });
    expect(result.json).toEqual({ got: { b: 'ü' } });
  });

  it.each([
    ['malformed JSON', { body: '{"a":', headers: { 'Content-Type': 'application/json' } }, 400, 'invalid_json'],
    ['an empty body', { body: '', headers: { 'Content-Type': 'application/json' } }, 400, 'invalid_json'],
    ['an array', { body: '[1,2]', headers: { 'Content-Type': 'application/json' } }, 400, 'invalid_body'],
    ['a JSON string', { body: '"text"', headers: { 'Content-Type': 'application/json' } }, 400, 'invalid_body'],
    ['JSON null', { body: 'null', headers: { 'Content-Type': 'application/json' } }, 400, 'invalid_body'],
    ['a wrong Content-Type', { body: '{"a":1}', headers: { 'Content-Type': 'text/plain' } }, 415, 'unsupported_media_type'],
    ['no Content-Type', { body: '{"a":1}', headers: {} }, 415, 'unsupported_media_type'],
    ['a body over the limit', { body: { a: 'x'.repeat(2000) } }, 413, 'payload_too_large'],
    ['a base64 body over the limit', { body: JSON.stringify({ a: 'x'.repeat(2000) }), isBase64Encoded: true, headers: { 'Content-Type': 'application/json' } }, 413, 'payload_too_large'],
  ])('when the request has %s, it answers %i %s and the handler never runs', async (_what, request, status, code) => {
    const result = await call(echo, request as Partial<TestRequest>);
    expect(result.statusCode).toBe(status);
    expect(result.json).toEqual({ error: { code, message: expect.any(String) } });
    expectSecurityHeaders(result);
    expect(seen).toHaveLength(0);
  });

  it('when the handler throws a typed error, it keeps its status and code', async () => {
    const handler = httpHandler({}, async () => {
      throw new ConflictError('already_done', 'That was already done.');
    });
    const result = await call(handler, { method: 'GET' });
    expect(result.statusCode).toBe(409);
    expect(result.json).toEqual({ error: { code: 'already_done', message: 'That was already done.' } });
    expectSecurityHeaders(result);
  });

  it('when the handler throws an untyped error, the client sees a generic 500 with no internals', async () => {
    const handler = httpHandler({}, async () => {
      throw new Error('ResourceNotFoundException: table helpshelf-prod-accounts at /var/task/index.js:12');
    });
    const result = await call(handler, { method: 'GET' });
    expect(result.statusCode).toBe(500);
    expect(result.json.error.code).toBe('internal_error');
    expect(result.body).not.toMatch(/helpshelf-prod|ResourceNotFound|index\.js|at /);
    expectSecurityHeaders(result);
  });

  it('when an AWS dependency is unreachable, it answers 503 with Retry-After', async () => {
    const handler = httpHandler({}, async () => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4566'), { code: 'ECONNREFUSED' });
    });
    const result = await call(handler, { method: 'GET' });
    expect(result.statusCode).toBe(503);
    expect(result.headers?.['Retry-After']).toBe('2');
    expect(result.json.error.code).toBe('service_unavailable');
    expect(result.body).not.toContain('4566');
  });

  it('when a throttling error comes back from DynamoDB, it answers 503', async () => {
    const handler = httpHandler({}, async () => {
      throw Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException', $metadata: { httpStatusCode: 400 } });
    });
    const result = await call(handler, { method: 'GET' });
    expect(result.statusCode).toBe(503);
  });

  it('when a form route gets JSON, it answers 415', async () => {
    const form = httpHandler({ body: 'form' }, async (request) => json(200, request.body));
    const bad = await call(form, { body: '{"token":"x"}', headers: { 'Content-Type': 'application/json' } });
    expect(bad.statusCode).toBe(415);
    const good = await call(form, { body: 'token=abc&x=1', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(good.json).toEqual({ token: 'abc', x: '1' });
  });

  it('when a raw route gets a body, it keeps the exact bytes', async () => {
    const raw = httpHandler({ body: 'raw' }, async (request) => json(200, { raw: request.rawBody }));
    const body = '{"id": "evt_1",  "spaces": true}\n';
    const result = await call(raw, { body, headers: { 'Content-Type': 'application/json' } });
    expect(result.json.raw).toBe(body);
  });

  it('keeps every value of a repeated header, so handlers can refuse duplicated credentials', async () => {
    const handler = httpHandler({}, async (request) => json(200, request.multiHeaders.authorization));
    const result = await call(handler, { method: 'GET', headers: { Authorization: ['Bearer a', 'Bearer b'] } });
    expect(result.json).toEqual(['Bearer a', 'Bearer b']);
  });
});
