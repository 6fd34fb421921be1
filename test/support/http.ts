import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { FUNCTIONS_FILE, ROOT } from './paths';

/**
 * One request shape, two transports: `viaHandler` runs the real handler in-process with a real
 * API Gateway event (from test/fixtures/aws-events), `viaHttp` sends it to a running local stage.
 * Cases in test/cases run unchanged through either.
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

export interface TestResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

export type Send = (request: TestRequest) => Promise<TestResponse>;

function bodyOf(request: TestRequest): { body: string | undefined; headers: Record<string, string[]> } {
  const headers: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(request.headers ?? {})) headers[k] = Array.isArray(v) ? v : [v];
  if (request.body === undefined) return { body: undefined, headers };
  if (typeof request.body === 'string') return { body: request.body, headers };
  if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) headers['Content-Type'] = ['application/json'];
  return { body: JSON.stringify(request.body), headers };
}

function parse(status: number, headers: Record<string, string>, text: string): TestResponse {
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status, headers, text, json };
}

// ---------------------------------------------------------------- in-process

interface FunctionDef {
  handler: string;
  name: string;
  events?: Array<{ http?: { path: string; method: string } }>;
}

let functions: Record<string, FunctionDef> | undefined;
function loadFunctions(): Record<string, FunctionDef> {
  functions ??= JSON.parse(readFileSync(FUNCTIONS_FILE, 'utf8')) as Record<string, FunctionDef>;
  return functions;
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
  return Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(match[i + 1])]));
}

/** API Gateway's choice: the most specific path first (no greedy proxy), then an exact method over ANY. */
export function resolveRoute(method: string, requestPath: string): { key: string; def: FunctionDef; resource: string; params: Record<string, string> } {
  const candidates: Array<{ key: string; def: FunctionDef; resource: string; params: Record<string, string>; score: number }> = [];
  for (const [key, def] of Object.entries(loadFunctions())) {
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
  return candidates[0];
}

const fixtureEvent = JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/aws-events/apigw-request.json'), 'utf8')) as APIGatewayProxyEvent;

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
  for (const [k, v] of query) (multiQuery[k] ??= []).push(v);
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

type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

/** Loads the real handler module named in serverless.yml (cached by jest's module registry). */
export function loadHandler(functionKey: string): LambdaHandler {
  const def = loadFunctions()[functionKey];
  if (!def) throw new Error(`No function ${functionKey} in serverless.yml`);
  const [file, exportName] = [def.handler.slice(0, def.handler.lastIndexOf('.')), def.handler.slice(def.handler.lastIndexOf('.') + 1)];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(path.join(ROOT, file)) as Record<string, LambdaHandler>;
  return mod[exportName];
}

export function functionName(functionKey: string): string {
  return loadFunctions()[functionKey].name;
}

export const viaHandler: Send = async (request) => {
  const route = resolveRoute(request.method, request.path.split('?')[0]);
  const event = apiGatewayEvent(request, route.resource, route.params);
  const result = (await loadHandler(route.key)(event, lambdaContext(route.def.name))) as APIGatewayProxyResult;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(result.headers ?? {})) headers[k.toLowerCase()] = String(v);
  const text = result.isBase64Encoded ? Buffer.from(result.body, 'base64').toString('utf8') : result.body;
  return parse(result.statusCode, headers, text);
};

// ---------------------------------------------------------------- over HTTP

export function viaHttp(baseUrl: string): Send {
  const base = new URL(baseUrl);
  return (request) =>
    new Promise<TestResponse>((resolve, reject) => {
      const { body, headers } = bodyOf(request);
      const payload = body === undefined ? undefined : request.isBase64Encoded ? Buffer.from(body) : Buffer.from(body, 'utf8');
      const outgoing: http.OutgoingHttpHeaders = {};
      for (const [k, v] of Object.entries(headers)) outgoing[k] = v.length === 1 ? v[0] : v;
      if (payload) outgoing['Content-Length'] = payload.length;
      const req = http.request(
        {
          host: '127.0.0.1',
          port: base.port,
          method: request.method.toUpperCase(),
          path: request.path,
          headers: outgoing,
          localAddress: request.sourceIp?.startsWith('127.') ? request.sourceIp : undefined,
          timeout: 30_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const out: Record<string, string> = {};
            for (const [k, v] of Object.entries(res.headers)) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
            resolve(parse(res.statusCode ?? 0, out, Buffer.concat(chunks).toString('utf8')));
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${request.method} ${request.path} timed out`)));
      req.on('error', reject);
      if (payload) req.write(payload);
      req.end();
    });
}
