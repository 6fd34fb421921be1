import { readFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import Stripe from 'stripe';
import { ROOT } from './paths';
import type { TestRequest } from './http';

/** Stripe's sample object for every API resource (test/fixtures/stripe/fixtures3.json). */
export const stripeResources = (JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/stripe/fixtures3.json'), 'utf8')) as { resources: Record<string, Record<string, unknown>> }).resources;

export function resource(name: string): Record<string, unknown> {
  return structuredClone(stripeResources[name]);
}

export function eventId(): string {
  return `evt_test_${randomUUID().replace(/-/g, '')}`;
}

export interface StripeEventEnvelope {
  id: string;
  object: 'event';
  type: string;
  created: number;
  livemode: boolean;
  api_version: string;
  data: { object: Record<string, unknown> };
}

export function stripeEvent(type: string, object: Record<string, unknown>, overrides: Partial<StripeEventEnvelope> = {}): StripeEventEnvelope {
  return { id: eventId(), object: 'event', type, created: Math.floor(Date.now() / 1000), livemode: false, api_version: '2025-09-30.clover', data: { object }, ...overrides };
}

export function signatureHeader(payload: string, secret = process.env.HELPSHELF_TEST_WEBHOOK_SECRET!, timestamp?: number): string {
  return Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });
}

/** A signed webhook request (the exact bytes that were signed are sent). */
export function signedWebhook(event: unknown, options: { secret?: string; timestamp?: number; sourceIp?: string } = {}): TestRequest {
  const payload = typeof event === 'string' ? event : JSON.stringify(event);
  return {
    method: 'POST',
    path: '/v1/webhooks/stripe',
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Stripe-Signature': signatureHeader(payload, options.secret, options.timestamp) },
    body: payload,
    sourceIp: options.sourceIp,
  };
}

/** A subscription object for one customer, as Stripe would send it (the fixture, re-pointed). */
export function subscriptionObject(opts: { id: string; customer: string; status: string; price: string; periodEnd: number }): Record<string, unknown> {
  const sub = resource('subscription');
  sub.id = opts.id;
  sub.customer = opts.customer;
  sub.status = opts.status;
  const items = sub.items as { data: Array<Record<string, unknown>> };
  items.data[0].price = { ...(items.data[0].price as object), id: opts.price };
  items.data[0].current_period_end = opts.periodEnd;
  items.data[0].subscription = opts.id;
  return sub;
}

export function checkoutSessionObject(opts: { customer: string; userId: string; subscription?: string }): Record<string, unknown> {
  const session = resource('checkout.session');
  session.id = `cs_test_${randomUUID().replace(/-/g, '')}`;
  session.customer = opts.customer;
  session.client_reference_id = opts.userId;
  session.subscription = opts.subscription ?? null;
  session.mode = 'subscription';
  session.status = 'complete';
  session.payment_status = 'paid';
  return session;
}

export function invoiceObject(opts: { customer: string; subscription: string; attempt: number }): Record<string, unknown> {
  const invoice = resource('invoice');
  invoice.id = `in_${randomUUID().replace(/-/g, '').slice(0, 24)}`;
  invoice.customer = opts.customer;
  invoice.attempt_count = opts.attempt;
  invoice.parent = { type: 'subscription_details', quote_details: null, subscription_details: { subscription: opts.subscription, metadata: {} } };
  return invoice;
}

/**
 * Card, bank and payment-method values that appear anywhere in the fixture file: none of them may
 * ever be found in a table or a log line. Distinctive strings are searched as substrings; the short
 * numeric ones (last4, expiry) are searched as key/value pairs.
 */
let cardValues: { distinctive: string[]; keyed: Array<{ key: string; value: string }> } | undefined;
export function cardFieldValues(): { distinctive: string[]; keyed: Array<{ key: string; value: string }> } {
  if (cardValues) return cardValues;
  const distinctive = new Set<string>();
  const keyed = new Map<string, { key: string; value: string }>();
  const longKeys = new Set(['fingerprint', 'routing_number', 'account_number', 'iban', 'bic', 'account_holder_name', 'iban_last4']);
  const shortKeys = new Set(['last4', 'dynamic_last4', 'exp_month', 'exp_year', 'iban_last4']);
  const walk = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if (v !== null && v !== '' && (typeof v === 'string' || typeof v === 'number')) {
          if (longKeys.has(k) && String(v).length >= 6) distinctive.add(String(v));
          if (shortKeys.has(k)) keyed.set(`${k}=${v}`, { key: k, value: String(v) });
        }
        walk(v);
      }
    }
  };
  walk(stripeResources);
  cardValues = { distinctive: [...distinctive], keyed: [...keyed.values()] };
  return cardValues;
}

/** Every place a card field could hide in a serialised item or log line. */
export function findCardData(text: string, values = cardFieldValues()): string[] {
  const found: string[] = [];
  // Whole values only: `0000000001` (a fixture account number) must not match inside an unrelated
  // zero-padded key such as an audit entry's `SEQ#000000000001`.
  for (const value of values.distinctive) {
    const escaped = value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    if (new RegExp(`(?<![0-9A-Za-z])${escaped}(?![0-9A-Za-z])`).test(text)) found.push(value);
  }
  for (const { key, value } of values.keyed) {
    const pattern = new RegExp(`"${key}"\\s*:\\s*"?${value}"?(?![0-9])`);
    if (pattern.test(text)) found.push(`${key}=${value}`);
  }
  // A card field name holding anything but the redaction marker is a leak by itself.
  const named = /"(last4|exp_month|exp_year|fingerprint|iban|routing_number|account_number)"\s*:\s*(?!"\[REDACTED\]"|null)/;
  const m = named.exec(text);
  if (m) found.push(`field ${m[1]}`);
  return found;
}
