import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for the few Stripe API calls the backend makes (today: deleting a customer when its
 * account is deleted), so the local stage and the tests run the real Stripe SDK, pointed here by
 * STRIPE_API_URL, without the network. It answers the way Stripe's API does for these calls
 * (form-encoded requests, JSON answers, `resource_missing` for an unknown customer, 401 for a wrong
 * key) and keeps every customer, deleted ones included, for the tests to read:
 *
 *   POST   /v1/customers            email=…  → the customer (tests and the bench create them)
 *   GET    /v1/customers/:id        → the customer, or {id, deleted: true} once deleted
 *   DELETE /v1/customers/:id        → {id, object: 'customer', deleted: true}; 404 resource_missing when unknown or deleted
 *   GET    /_local/customers        → {customers: [{id, email, deleted}]} (local-only test hook)
 *   POST   /_local/customers        email=… → a new customer (local-only test hook: a checkout's customer)
 *   POST   /_local/outage?requests=N → the next N API requests answer 500 (local-only test hook)
 */
export const DEFAULT_STRIPE_STAND_IN_PORT = 4620;

export interface StripeStandIn {
  url: string;
  apiKey: string;
  server: Server;
  stop(): Promise<void>;
}

interface Customer {
  id: string;
  email: string | null;
  created: number;
  deleted: boolean;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_${randomBytes(7).toString('hex')}` });
  res.end(text);
}

function stripeError(res: ServerResponse, status: number, type: string, message: string, code?: string): void {
  send(res, status, { error: { type, message, ...(code ? { code } : {}) } });
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) throw new Error('request too large');
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function keyMatches(header: string | undefined, apiKey: string): boolean {
  const given = Buffer.from(/^Bearer (.+)$/.exec(header ?? '')?.[1] ?? '');
  const expected = Buffer.from(apiKey);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function generateStripeApiKey(): string {
  return `sk_test_local_${randomBytes(18).toString('base64url')}`;
}

export async function startStripeStandIn(options: { port: number; apiKey?: string; host?: string }): Promise<StripeStandIn> {
  const apiKey = options.apiKey ?? generateStripeApiKey();
  const customers = new Map<string, Customer>();
  let failNext = 0;

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://stand-in');
      if (url.pathname === '/_local/customers' && req.method === 'GET') {
        send(res, 200, { customers: [...customers.values()].map((c) => ({ id: c.id, email: c.email, deleted: c.deleted })) });
        return;
      }
      if (url.pathname === '/_local/customers' && req.method === 'POST') {
        const form = await readForm(req);
        const customer: Customer = { id: `cus_${randomBytes(7).toString('hex')}`, email: form.get('email'), created: Math.floor(Date.now() / 1000), deleted: false };
        customers.set(customer.id, customer);
        send(res, 200, { id: customer.id, object: 'customer', email: customer.email, created: customer.created, livemode: false });
        return;
      }
      if (url.pathname === '/_local/outage' && req.method === 'POST') {
        failNext = Number(url.searchParams.get('requests') ?? '1');
        send(res, 200, { failing: failNext });
        return;
      }
      if (!keyMatches(req.headers.authorization, apiKey)) {
        stripeError(res, 401, 'invalid_request_error', 'Invalid API Key provided.');
        return;
      }
      if (failNext > 0) {
        failNext -= 1;
        stripeError(res, 500, 'api_error', 'An unknown error occurred (stand-in outage).');
        return;
      }
      const customerPath = /^\/v1\/customers\/(cus_[A-Za-z0-9]{1,64})$/.exec(url.pathname);
      if (url.pathname === '/v1/customers' && req.method === 'POST') {
        const form = await readForm(req);
        const customer: Customer = { id: `cus_${randomBytes(7).toString('hex')}`, email: form.get('email'), created: Math.floor(Date.now() / 1000), deleted: false };
        customers.set(customer.id, customer);
        send(res, 200, { id: customer.id, object: 'customer', email: customer.email, created: customer.created, livemode: false });
        return;
      }
      if (customerPath) {
        const customer = customers.get(customerPath[1]);
        if (req.method === 'GET') {
          if (!customer) stripeError(res, 404, 'invalid_request_error', `No such customer: '${customerPath[1]}'`, 'resource_missing');
          else if (customer.deleted) send(res, 200, { id: customer.id, object: 'customer', deleted: true });
          else send(res, 200, { id: customer.id, object: 'customer', email: customer.email, created: customer.created, livemode: false });
          return;
        }
        if (req.method === 'DELETE') {
          if (!customer || customer.deleted) {
            stripeError(res, 404, 'invalid_request_error', `No such customer: '${customerPath[1]}'`, 'resource_missing');
            return;
          }
          customer.deleted = true;
          send(res, 200, { id: customer.id, object: 'customer', deleted: true });
          return;
        }
      }
      stripeError(res, 404, 'invalid_request_error', `Unrecognized request URL (${req.method}: ${url.pathname}).`);
    })().catch(() => stripeError(res, 400, 'invalid_request_error', 'The request could not be read.'));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    server,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
