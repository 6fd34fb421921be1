import { readFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { PROJECT_ROOT } from './stage-config';

/**
 * Real API Gateway REST proxy events built from one request shape. Shared by the tests
 * (test/support/http.ts: viaHandler) and the bench (scripts/bench), so both drive the handlers
 * with the same events API Gateway sends.
 */
export interface TestRequest {
  method: string;
  path: string;
  headers?: Record<string, string | string[]>;
  /** An object is sent as JSON (with Content-Type application/json unless one is given). */
  body?: string | Record<string, unknown> | unknown[];
  isBase64Encoded?: boolean;
  /** The client address; over HTTP the request leaves from this loopback address (127.x.y.z). */
  sourceIp?: string;
}

export interface FunctionDef {
  handler: string;
  name: string;
  events?: Array<{ http?: { path: string; method: string } }>;
}

export function bodyOf(request: TestRequest): { body: string | undefined; headers: Record<string, string[]> } {
  const headers: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(request.headers ?? {})) headers[k] = Array.isArray(v) ? v : [v];
  if (request.body === undefined) return { body: undefined, headers };
  if (typeof request.body === 'string') return { body: request.body, headers };
  if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) headers['Content-Type'] = ['application/json'];
  return { body: JSON.stringify(request.body), headers };
}

function templateMatches(template: string, actual: string): Record<string, string> | undefined {
  const names: string[] = [];
  const pattern = template
    .replace(/[.*?^$()|[\]\\]/g, '\\$&')
    .replace(/\\?\{([^}+]+)(\+)?\}/g, (_m, name: string, greedy?: string) => {
      names.push(name);
      return greedy ? '(.+)' : '([^/]+)';
    })
    .replace(/\\$/, '');
  const match = new RegExp(`^${pattern}$`).exec(actual);
  if (!match) return undefined;
  try {
    return Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(match[i + 1])]));
  } catch {
    return Object.fromEntries(names.map((n, i) => [n, match[i + 1]]));
  }
}

export interface ResolvedRoute {
  key: string;
  def: FunctionDef;
  resource: string;
  params: Record<string, string>;
}

/** API Gateway's choice: the most specific path first (no greedy proxy), then an exact method over ANY. */
export function resolveRouteIn(functions: Record<string, FunctionDef>, method: string, requestPath: string): ResolvedRoute {
  const candidates: Array<ResolvedRoute & { score: number }> = [];
  for (const [key, def] of Object.entries(functions)) {
    for (const event of def.events ?? []) {
      if (!event.http) continue;
      const resource = event.http.path.startsWith('/') ? event.http.path : `/${event.http.path}`;
      const eventMethod = event.http.method.toUpperCase();
      if (eventMethod !== 'ANY' && eventMethod !== method.toUpperCase()) continue;
      const params = templateMatches(resource, requestPath);
      if (!params) continue;
      const greedy = resource.includes('+}') ? 0 : 100;
      const literal = resource.split('/').filter((s) => s && !s.startsWith('{')).length;
      candidates.push({ key, def, resource, params, score: greedy + literal * 2 + (eventMethod === 'ANY' ? 0 : 1) });
    }
  }
  candidates.sort((a, b) => b.score - a.score);
  if (!candidates[0]) throw new Error(`No function serves ${method} ${requestPath}`);
  const { score: _score, ...route } = candidates[0];
  return route;
}

const fixtureEvent = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'test/fixtures/aws-events/apigw-request.json'), 'utf8')) as APIGatewayProxyEvent;

export function lambdaContext(functionName: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** A real API Gateway REST proxy event (the fixture) with the request at hand put in. */
export function apiGatewayEvent(request: TestRequest, resource: string, params: Record<string, string>): APIGatewayProxyEvent {
  const { body, headers } = bodyOf(request);
  const [pathOnly, queryString] = request.path.split('?');
  const query = new URLSearchParams(queryString ?? '');
  const singleHeaders: Record<string, string> = { Host: 'api.helpshelf.test', 'User-Agent': 'helpshelf-tests', 'X-Forwarded-Proto': 'https' };
  const multiValueHeaders: Record<string, string[]> = { Host: ['api.helpshelf.test'], 'User-Agent': ['helpshelf-tests'], 'X-Forwarded-Proto': ['https'] };
  for (const [k, values] of Object.entries(headers)) {
    singleHeaders[k] = values[values.length - 1];
    multiValueHeaders[k] = values;
  }
  const queryParams = [...query.keys()].length ? Object.fromEntries(query) : null;
  const multiQuery: Record<string, string[]> = {};
  for (const [k, v] of query) {
    if (Object.hasOwn(multiQuery, k)) multiQuery[k].push(v);
    else Object.defineProperty(multiQuery, k, { value: [v], enumerable: true, writable: true, configurable: true });
  }
  return {
    ...fixtureEvent,
    resource,
    path: pathOnly,
    httpMethod: request.method.toUpperCase(),
    headers: singleHeaders,
    multiValueHeaders,
    queryStringParameters: queryParams,
    multiValueQueryStringParameters: queryParams ? multiQuery : null,
    pathParameters: Object.keys(params).length ? params : null,
    stageVariables: null,
    body: body === undefined ? null : request.isBase64Encoded ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded: Boolean(request.isBase64Encoded),
    requestContext: {
      ...fixtureEvent.requestContext,
      path: pathOnly,
      resourcePath: resource,
      httpMethod: request.method.toUpperCase(),
      requestId: randomUUID(),
      stage: 'local',
      identity: { ...fixtureEvent.requestContext.identity, sourceIp: request.sourceIp ?? '198.51.100.7', userArn: null, caller: null, accessKey: null },
    },
  } as APIGatewayProxyEvent;
}

/**
 * Whether serverless.yml serves a requirement: a function key (`me`), or a route
 * (`GET /v1/me`) served by a function's own http event for that method — not by the ANY fallback.
 * Scenario and target tables name routes, so they light up whatever key a branch chose.
 */
export function isServed(functions: Record<string, FunctionDef>, requirement: string): boolean {
  const route = /^([A-Z]+)\s+(\/\S*)$/.exec(requirement);
  if (!route) return Boolean(functions[requirement]);
  const [, method, template] = route;
  return Object.values(functions).some((def) =>
    (def.events ?? []).some((e) => e.http && e.http.method.toUpperCase() === method && (e.http.path.startsWith('/') ? e.http.path : `/${e.http.path}`) === template),
  );
}

/** The function whose events consume the SQS queue a resource name points at (e.g. StripeEventsQueue). */
export function queueConsumer(functions: Record<string, FunctionDef & { events?: Array<Record<string, unknown>> }>, queueLogicalId: string): string | undefined {
  return Object.entries(functions).find(([, def]) => (def.events ?? []).some((e) => 'sqs' in e && JSON.stringify(e.sqs).includes(queueLogicalId)))?.[0];
}
