import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { ReliabilityContext } from '../cases/reliability.targets';
import { isServed, type FunctionDef } from '../../scripts/lib/api-events';
import { apiGatewayEvent, lambdaContext, viaHandler, type Send, type TestResponse } from './http';
import { mailTo } from './mail';
import { FUNCTIONS_FILE } from './paths';
import { TEST_WEBHOOK_SECRET } from './secrets';

export function functionKeys(): Set<string> {
  return new Set(Object.keys(JSON.parse(readFileSync(FUNCTIONS_FILE, 'utf8')) as Record<string, unknown>));
}

/**
 * The entries' `requires` that serverless.yml does not serve (empty: the entry runs). A
 * requirement is a route (`GET /v1/me`, served by a function's own http event) or a function key.
 */
export function missingFunctions(requires: string[]): string[] {
  const functions = JSON.parse(readFileSync(FUNCTIONS_FILE, 'utf8')) as Record<string, FunctionDef>;
  return requires.filter((r) => !isServed(functions, r));
}

function toResponse(result: APIGatewayProxyResult): TestResponse {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(result.headers ?? {})) headers[k.toLowerCase()] = String(v);
  let json: unknown;
  try {
    json = result.body ? JSON.parse(result.body) : undefined;
  } catch {
    json = undefined;
  }
  return { status: result.statusCode, headers, text: result.body, json };
}

/**
 * The context reliability entries run with, in-process. It requires the platform modules when
 * called, so a test that points AWS_ENDPOINT_URL at its own emulator (or proxy) first gets
 * clients that talk to it. viaHandler registers every password and token it carries for the leak check.
 */
export function reliabilityContext(options: { send?: Send; emulatorEndpoint?: string } = {}): ReliabilityContext {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { httpHandler } = require('../../lib/http/handler') as typeof import('../../lib/http/handler');
  const { json } = require('../../lib/http/responses') as typeof import('../../lib/http/responses');
  const rateLimit = require('../../lib/platform/rate-limit') as typeof import('../../lib/platform/rate-limit');
  const auditModule = require('../../lib/audit') as typeof import('../../lib/audit');
  const secretsModule = require('../../lib/platform/secrets') as typeof import('../../lib/platform/secrets');
  const ops = require('./ops') as typeof import('./ops');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const send = options.send ?? viaHandler;
  const endpoint = options.emulatorEndpoint ?? process.env.HELPSHELF_TEST_EMULATOR!;
  let ip = Math.floor(Math.random() * 60_000);
  return {
    send,
    has: (key) => functionKeys().has(key),
    mailTo: (address) => mailTo(address, endpoint),
    uniqueEmail: (tag = 'rel') => `${tag}-${randomUUID()}@helpshelf.test`,
    nextIp: () => {
      ip += 1;
      return `10.${(ip >> 16) & 255}.${(ip >> 8) & 255}.${ip & 255}`;
    },
    webhookSecret: TEST_WEBHOOK_SECRET,
    emulatorEndpoint: endpoint,
    env: process.env as Record<string, string>,
    throughMiddleware: async (fn) => {
      const handler = httpHandler({}, async () => {
        await fn();
        return json(200, { ok: true });
      });
      const event = apiGatewayEvent({ method: 'POST', path: '/reliability/probe' }, '/reliability/probe', {});
      return toResponse((await handler(event, lambdaContext('reliability-probe'))) as APIGatewayProxyResult);
    },
    lib: {
      consumeRateLimit: rateLimit.consumeRateLimit,
      audit: auditModule.audit,
      auditStore: auditModule.auditStore,
      secrets: secretsModule.secrets,
      invokeOps: ops.invokeOps,
    },
  };
}
