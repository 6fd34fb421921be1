import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { apiGatewayEvent, lambdaContext, resolveRouteIn, type FunctionDef, type TestRequest } from '../lib/api-events';
import { PROJECT_ROOT, type StageConfig } from '../lib/stage-config';
import type { BenchContext, BenchResponse } from './types';
import { mailSentTo, readSentMail } from '../lib/emulator-clients';

type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

const loaded = new Map<string, LambdaHandler>();

/** The real handler module named in serverless.yml, loaded once (warm) in this process. */
export function loadHandler(config: StageConfig, functionKey: string): LambdaHandler {
  const cached = loaded.get(functionKey);
  if (cached) return cached;
  const def = config.functions[functionKey];
  if (!def) throw new Error(`No function ${functionKey} in serverless.yml`);
  const file = def.handler.slice(0, def.handler.lastIndexOf('.'));
  const exportName = def.handler.slice(def.handler.lastIndexOf('.') + 1);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const handler = (require(path.join(PROJECT_ROOT, file)) as Record<string, LambdaHandler>)[exportName];
  loaded.set(functionKey, handler);
  return handler;
}

export function parseResult(result: APIGatewayProxyResult): BenchResponse {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(result.headers ?? {})) headers[k.toLowerCase()] = String(v);
  const text = result.isBase64Encoded ? Buffer.from(result.body, 'base64').toString('utf8') : result.body;
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: result.statusCode, headers, text, json };
}

/** Resolves the function for a request and invokes it in-process with a real API Gateway event. */
export function routeInvoker(config: StageConfig) {
  return async (request: TestRequest): Promise<{ functionKey: string; response: BenchResponse }> => {
    const route = resolveRouteIn(config.functions as Record<string, FunctionDef>, request.method, request.path.split('?')[0]);
    const event = apiGatewayEvent(request, route.resource, route.params);
    const result = (await loadHandler(config, route.key)(event, lambdaContext(route.def.name))) as APIGatewayProxyResult;
    return { functionKey: route.key, response: parseResult(result) };
  };
}

export function benchContext(config: StageConfig, emulatorEndpoint: string, env: Record<string, string>, webhookSecret: string): BenchContext {
  const invoke = routeInvoker(config);
  let ip = 0;
  const domain = /@([^>\s]+)>?$/.exec(env.MAIL_FROM ?? '')?.[1] ?? 'helpshelf.test';
  return {
    send: async (request) => (await invoke(request)).response,
    has: (key) => Boolean(config.functions[key]),
    mailTo: async (address) => mailSentTo(await readSentMail(emulatorEndpoint), address),
    uniqueEmail: (tag = 'bench') => `${tag}-${randomUUID()}@${domain}`,
    nextIp: () => {
      ip += 1;
      return `10.${(ip >> 16) & 255}.${(ip >> 8) & 255}.${ip & 255}`;
    },
    webhookSecret,
    emulatorEndpoint,
    env,
  };
}
