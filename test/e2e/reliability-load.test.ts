import { randomUUID } from 'node:crypto';
import { Agent } from 'node:http';
import routesTable from '../../lib/http/routes.json';
import { LOAD_MIX, type LoadEntry } from '../cases/reliability.targets';
import type { BenchContext } from '../../scripts/bench/types';
import { viaHttp, type TestRequest, type TestResponse } from '../support/http';
import { mailTo } from '../support/mail';
import { TEST_WEBHOOK_SECRET } from '../support/secrets';
import { startBusyCore, type BusyCore } from '../support/busy-core';

/**
 * Load held: 200 requests mixed over every public route (routes.json) against the running local
 * stage, over loopback, 100 in flight at once, while another process keeps one of the machine's
 * cores busy. All are answered, none with a 5xx, and no accepted write is lost. The mix is data
 * (LOAD_MIX in test/cases/reliability.targets.ts); a route without an entry gets a plain request
 * of its method. Bounded: 200 requests, one minute, the busy process stops itself.
 */
const TOTAL = 200;
/**
 * The client keeps at most this many connections open (the rest wait in its queue, as behind a
 * load balancer's connection limit). The local stage runs handlers in serverless-offline's own
 * process (useInProcess, scripts/lib/local-stage.ts explains why): with one worker thread per
 * request in flight, 100 in flight on 2 busy cores cost longer than the function timeout in
 * environment creation and serverless-offline answered 504 before our code ran.
 */
const MAX_IN_FLIGHT = Number(process.env.LOAD_MAX_IN_FLIGHT ?? 100);
/** LOAD_BUSY_CORE=0 runs without the competing process. */
const BUSY_CORE = process.env.LOAD_BUSY_CORE !== '0';
const baseUrl = process.env.E2E_BASE_URL!;
const agent = new Agent({ keepAlive: false, maxTotalSockets: MAX_IN_FLIGHT });
const http = viaHttp(baseUrl, { agent });
let ip = 0;

const ctx: BenchContext = {
  send: http,
  has: () => true,
  mailTo: (address) => mailTo(address, process.env.E2E_EMULATOR_ENDPOINT),
  uniqueEmail: (tag = 'load') => `${tag}-${randomUUID()}@helpshelf.test`,
  // A distinct loopback source address per request, so per-IP limits of one request cannot affect another.
  nextIp: () => {
    ip += 1;
    return `127.${60 + ((ip >> 16) & 63)}.${(ip >> 8) & 255}.${(ip & 255) || 1}`;
  },
  webhookSecret: TEST_WEBHOOK_SECRET,
  emulatorEndpoint: process.env.E2E_EMULATOR_ENDPOINT!,
  env: {},
};

const routes = (routesTable.routes as Array<{ method: string; path: string }>).map((r) => `${r.method} ${r.path}`);
const entries: LoadEntry<any>[] = [ // eslint-disable-line @typescript-eslint/no-explicit-any
  ...LOAD_MIX.filter((e) => routes.includes(e.route)),
  // Routes with no entry yet: a plain request of their method (any answer but a 5xx is fine).
  ...routes
    .filter((r) => !LOAD_MIX.some((e) => e.route === r))
    .map((r): LoadEntry => {
      const [method, template] = r.split(' ');
      return { route: r, weight: 1, request: () => ({ method, path: template.replace(/\{[^}]+\}/g, 'load-test'), sourceIp: ctx.nextIp() }), expect: [] };
    }),
  // The JSON fallback: an unknown path and a wrong method.
  { route: 'GET /v1/no-such-route', weight: 1, request: () => ({ method: 'GET', path: `/v1/no-such-route/${randomUUID()}` }), expect: [404] },
  { route: 'DELETE /v1/health', weight: 1, request: () => ({ method: 'DELETE', path: '/v1/health' }), expect: [405] },
];

let busy: BusyCore | undefined;
afterAll(async () => {
  agent.destroy();
  await busy?.stop();
});

describe('load held against the local stage', () => {
  it(`when ${TOTAL} requests mixed over every public route are sent at once (${MAX_IN_FLIGHT} in flight${BUSY_CORE ? ', one core kept busy by another process' : ''}), all are answered, none is a 5xx and no write is lost`, async () => {
    // Prepare: each entry's setup, then a weighted, interleaved list of TOTAL requests.
    const states = new Map<string, unknown>();
    for (const e of entries) states.set(e.route, e.prepare ? await e.prepare(ctx) : undefined);
    const wheel = entries.flatMap((e) => Array.from({ length: e.weight }, () => e));
    const planned: Array<{ entry: LoadEntry; request: TestRequest }> = Array.from({ length: TOTAL }, (_, i) => {
      const entry = wheel[i % wheel.length];
      return { entry, request: { sourceIp: ctx.nextIp(), ...entry.request(ctx, states.get(entry.route), i) } };
    });

    // Act: one core taken by another process for the duration (at most 60 s), then the burst.
    if (BUSY_CORE) busy = await startBusyCore(60_000);
    const settled = await Promise.allSettled(planned.map((p) => ctx.send(p.request)));
    await busy?.stop();

    // Assess
    const unanswered = settled.filter((s) => s.status === 'rejected').map((s) => String((s as PromiseRejectedResult).reason));
    expect(unanswered).toEqual([]);
    const responses = settled.map((s) => (s as PromiseFulfilledResult<TestResponse>).value);
    const serverErrors = responses.map((r, i) => ({ route: planned[i].entry.route, status: r.status })).filter((r) => r.status >= 500);
    expect(serverErrors).toEqual([]);
    const unexpected = responses
      .map((r, i) => ({ route: planned[i].entry.route, status: r.status, expected: planned[i].entry.expect }))
      .filter((r) => r.expected.length > 0 && !r.expected.includes(r.status));
    expect(unexpected).toEqual([]);
    let lost = 0;
    for (const e of entries) {
      if (!e.lost) continue;
      const sent = planned.map((p, i) => ({ ...p, response: responses[i] })).filter((p) => p.entry === e);
      lost += await e.lost(ctx, states.get(e.route), sent);
    }
    expect(lost).toBe(0);
  }, 60_000);
});
