import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { SECRET_TARGETS, type Outcome, type ReliabilityContext } from '../../cases/reliability.targets';
import { apiGatewayEvent, lambdaContext, loadHandler, resolveRoute, type TestRequest, type TestResponse } from '../../support/http';
import { missingFunctions, reliabilityContext } from '../../support/reliability';
import { useEndpoint } from '../../support/private-emulator';

/**
 * Secrets Manager failing at cold start: a proxy in front of the shared emulator answers every
 * Secrets Manager call with a 500 while `failing` is set and forwards everything else. Each
 * target is loaded cold (fresh modules: an empty secret cache, new clients) through the proxy,
 * must answer 503 with Retry-After, and — same instance, proxy healed — must then succeed.
 */
const upstream = new URL(process.env.HELPSHELF_TEST_EMULATOR!);
let failing = true;
let secretCallsRefused = 0;
let proxy: http.Server;

function startProxy(): Promise<string> {
  proxy = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      if (failing && target.startsWith('secretsmanager.')) {
        secretCallsRefused += 1;
        res.writeHead(500, { 'Content-Type': 'application/x-amz-json-1.1', 'x-amzn-ErrorType': 'InternalServiceError' });
        res.end(JSON.stringify({ __type: 'InternalServiceError', message: 'injected fault' }));
        return;
      }
      const out = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      out.on('error', () => res.destroy());
      out.end(Buffer.concat(chunks));
    });
  });
  return new Promise((resolve) => proxy.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(proxy.address() as AddressInfo).port}`)));
}

const active = SECRET_TARGETS.filter((t) => missingFunctions(t.requires).length === 0);
const notBuilt = SECRET_TARGETS.filter((t) => missingFunctions(t.requires).length > 0);

beforeAll(async () => {
  useEndpoint(await startProxy());
  process.env.HELPSHELF_TEST_EMULATOR = upstream.origin; // mail and data checks read the emulator directly
});

afterAll(async () => {
  await new Promise((resolve) => proxy?.close(resolve));
});

function coldInstance(): { ctx: ReliabilityContext; invoke: (request: TestRequest) => Promise<TestResponse> } {
  let ctx!: ReliabilityContext;
  const handlers = new Map<string, ReturnType<typeof loadHandler>>();
  jest.isolateModules(() => {
    ctx = reliabilityContext({ emulatorEndpoint: upstream.origin });
  });
  const invoke = async (request: TestRequest): Promise<TestResponse> => {
    const route = resolveRoute(request.method, request.path.split('?')[0]);
    if (!handlers.has(route.key)) jest.isolateModules(() => handlers.set(route.key, loadHandler(route.key)));
    const result = (await handlers.get(route.key)!(apiGatewayEvent(request, route.resource, route.params), lambdaContext(route.def.name))) as APIGatewayProxyResult;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(result.headers ?? {})) headers[k.toLowerCase()] = String(v);
    let json: unknown;
    try {
      json = JSON.parse(result.body);
    } catch {
      json = undefined;
    }
    return { status: result.statusCode, headers, text: result.body, json };
  };
  return { ctx, invoke };
}

describe('when Secrets Manager fails at cold start', () => {
  it.each(active.map((t) => [t.name, t] as const))('%s answers 503 with Retry-After, then succeeds once Secrets Manager is back', async (_name, target) => {
    // Prepare: a cold instance, Secrets Manager failing
    failing = true;
    const refusedBefore = secretCallsRefused;
    const { ctx, invoke } = coldInstance();
    // Act
    const down: Outcome = await target.act(ctx, invoke);
    failing = false;
    const back: Outcome = await target.act(ctx, invoke);
    // Assess
    expect(secretCallsRefused).toBeGreaterThan(refusedBefore); // the fault was really hit
    expect(down.status).toBe(503);
    expect(Number(down.headers['retry-after'])).toBeGreaterThan(0);
    expect(back.status).toBeLessThan(400);
  });

  if (notBuilt.length) it.skip.each(notBuilt.map((t) => [t.name]))('%s (not built yet)', () => undefined);
});
