import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { apiGatewayEvent, bodyOf, lambdaContext, resolveRouteIn, type FunctionDef, type TestRequest } from '../../scripts/lib/api-events';
import { checkResponseAgainstDocument } from './contract-check';
import { FUNCTIONS_FILE, ROOT } from './paths';
import { registerSecret } from './secrets-registry';

/**
 * One request shape, two transports: `viaHandler` runs the real handler in-process with a real
 * API Gateway event (from test/fixtures/aws-events), `viaHttp` sends it to a running local stage.
 * Cases in test/cases run unchanged through either.
 */
export type { TestRequest } from '../../scripts/lib/api-events';

export interface TestResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

export type Send = (request: TestRequest) => Promise<TestResponse>;

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

let functions: Record<string, FunctionDef> | undefined;
function loadFunctions(): Record<string, FunctionDef> {
  functions ??= JSON.parse(readFileSync(FUNCTIONS_FILE, 'utf8')) as Record<string, FunctionDef>;
  return functions;
}

/** API Gateway's choice: the most specific path first (no greedy proxy), then an exact method over ANY. */
export function resolveRoute(method: string, requestPath: string) {
  return resolveRouteIn(loadFunctions(), method, requestPath);
}

export { apiGatewayEvent, lambdaContext };

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

// ---------------------------------------------------------------- secrets seen in requests

const SECRET_FIELDS = ['password', 'newPassword', 'currentPassword', 'token', 'trackingToken', 'secret', 'recoveryCode'];

/**
 * Registers, for the leak check, the secrets a request carries (password and token fields of a
 * JSON or form body, a bearer token) and the ones a response issues (token, trackingToken), so
 * tests that go through viaHandler/viaHttp need not register them one by one.
 */
export function registerExchangeSecrets(request: TestRequest, response?: TestResponse): void {
  const body = request.body;
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    for (const field of SECRET_FIELDS) if (typeof body[field] === 'string') registerSecret(body[field] as string, `request ${field}`);
  } else if (typeof body === 'string' && body.includes('=') && !body.trimStart().startsWith('{')) {
    const form = new URLSearchParams(body);
    for (const field of SECRET_FIELDS) if (form.get(field)) registerSecret(form.get(field), `request ${field}`);
  }
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    const lower = name.toLowerCase();
    for (const v of Array.isArray(value) ? value : [value]) {
      if (lower === 'authorization') registerSecret(/^Bearer\s+(.+)$/i.exec(v)?.[1], 'bearer token');
      else if (lower === 'x-tracking-token') registerSecret(v, 'tracking token');
    }
  }
  const out = response?.json as Record<string, unknown> | undefined;
  if (out && typeof out === 'object') {
    for (const field of SECRET_FIELDS) if (typeof out[field] === 'string') registerSecret(out[field] as string, `issued ${field}`);
  }
}

/** viaHandler without registering secrets: for the fuzzer, whose random values are not secrets. */
export const viaHandlerUnregistered: Send = async (request) => {
  const route = resolveRoute(request.method, request.path.split('?')[0]);
  const event = apiGatewayEvent(request, route.resource, route.params);
  const result = (await loadHandler(route.key)(event, lambdaContext(route.def.name))) as APIGatewayProxyResult;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(result.headers ?? {})) headers[k.toLowerCase()] = String(v);
  const text = result.isBase64Encoded ? Buffer.from(result.body, 'base64').toString('utf8') : result.body;
  const response = parse(result.statusCode, headers, text);
  // Every response must be one the OpenAPI document allows (status, content type, body).
  checkResponseAgainstDocument(request.method, request.path, response);
  return response;
};

export const viaHandler: Send = async (request) => {
  const response = await viaHandlerUnregistered(request);
  registerExchangeSecrets(request, response);
  return response;
};

// ---------------------------------------------------------------- over HTTP

/** `agent` lets a caller bound the connections in flight (e.g. the load test's maxTotalSockets). */
export function viaHttp(baseUrl: string, options: { agent?: http.Agent } = {}): Send {
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
          agent: options.agent,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const out: Record<string, string> = {};
            for (const [k, v] of Object.entries(res.headers)) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
            const response = parse(res.statusCode ?? 0, out, Buffer.concat(chunks).toString('utf8'));
            registerExchangeSecrets(request, response);
            try {
              // Every response must be one the OpenAPI document allows (status, content type, body).
              checkResponseAgainstDocument(request.method, request.path, response);
            } catch (error) {
              reject(error);
              return;
            }
            resolve(response);
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${request.method} ${request.path} timed out`)));
      req.on('error', reject);
      if (payload) req.write(payload);
      req.end();
    });
}
