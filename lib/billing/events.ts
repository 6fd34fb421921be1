import { stripeEventEnvelope } from './schemas';

/**
 * What HelpShelf keeps of a Stripe event: an allow-listed projection. Only the fields named here
 * ever leave the webhook receiver (queue message, tables, logs); card, payment-method, address and
 * bank details cannot, because nothing copies them.
 */
export const HANDLED_TYPES = [
  'checkout.session.completed',
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'customer.subscription.paused',
  'customer.subscription.resumed',
  'invoice.paid',
  'invoice.payment_failed',
  'customer.deleted',
] as const;

export type HandledType = (typeof HANDLED_TYPES)[number];

export function isHandledType(type: string): type is HandledType {
  return (HANDLED_TYPES as readonly string[]).includes(type);
}

/** The verified envelope fields the receiver relies on. */
export interface VerifiedEvent {
  id: string;
  type: string;
  created: number;
  livemode: boolean;
  object: Record<string, unknown>;
}

export type ObjectProjection =
  | { kind: 'checkout_session'; sessionId: string; customerId: string | null; subscriptionId: string | null; userId: string | null }
  | { kind: 'subscription'; subscriptionId: string; customerId: string | null; status: string | null; plan: string | null; periodEnd: number | null }
  | { kind: 'invoice'; invoiceId: string; customerId: string | null; subscriptionId: string | null; attemptCount: number }
  | { kind: 'customer'; customerId: string };

/** The message handed to the worker: event id, type, ordering data and the projection, nothing else. */
export interface BillingEventMessage {
  v: 1;
  eventId: string;
  type: HandledType;
  created: number;
  livemode: boolean;
  object: ObjectProjection;
}

const str = (value: unknown): string | null => (typeof value === 'string' && value.length > 0 && value.length <= 255 ? value : null);
const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
/** Stripe sends either an id or an expanded object for references. */
const ref = (value: unknown): string | null => str(value) ?? (value && typeof value === 'object' ? str((value as { id?: unknown }).id) : null);

function firstItem(subscription: Record<string, unknown>): Record<string, unknown> | undefined {
  const items = subscription.items as { data?: unknown[] } | undefined;
  const first = Array.isArray(items?.data) ? items.data[0] : undefined;
  return first && typeof first === 'object' ? (first as Record<string, unknown>) : undefined;
}

export function projectObject(type: HandledType, object: Record<string, unknown>): ObjectProjection | null {
  if (type === 'checkout.session.completed') {
    const sessionId = str(object.id);
    if (!sessionId) return null;
    return {
      kind: 'checkout_session',
      sessionId,
      customerId: ref(object.customer),
      subscriptionId: ref(object.subscription),
      userId: str(object.client_reference_id),
    };
  }
  if (type.startsWith('customer.subscription.')) {
    const subscriptionId = str(object.id);
    if (!subscriptionId) return null;
    const item = firstItem(object);
    const price = item?.price as Record<string, unknown> | undefined;
    return {
      kind: 'subscription',
      subscriptionId,
      customerId: ref(object.customer),
      status: str(object.status),
      plan: str(price?.id) ?? ref((item?.plan as Record<string, unknown> | undefined)?.id),
      // API versions from 2025-03-31 keep the period on the items; older ones on the subscription.
      periodEnd: num(item?.current_period_end) ?? num(object.current_period_end),
    };
  }
  if (type === 'invoice.paid' || type === 'invoice.payment_failed') {
    const invoiceId = str(object.id);
    if (!invoiceId) return null;
    const parent = object.parent as { subscription_details?: { subscription?: unknown } } | undefined;
    return {
      kind: 'invoice',
      invoiceId,
      customerId: ref(object.customer),
      subscriptionId: ref(parent?.subscription_details?.subscription) ?? ref(object.subscription),
      attemptCount: num(object.attempt_count) ?? 0,
    };
  }
  if (type === 'customer.deleted') {
    const customerId = str(object.id);
    return customerId ? { kind: 'customer', customerId } : null;
  }
  return null;
}

/** The queue message for a verified event, or null for a type HelpShelf does not act on. */
export function toBillingMessage(event: VerifiedEvent): BillingEventMessage | null {
  if (!isHandledType(event.type)) return null;
  const object = projectObject(event.type, event.object);
  if (!object) return null;
  return { v: 1, eventId: event.id, type: event.type, created: event.created, livemode: event.livemode, object };
}

/** Checks the shape of a parsed (already verified) event (schemas.ts); null when it is not a Stripe event. */
export function readEnvelope(parsed: unknown): VerifiedEvent | null {
  const envelope = stripeEventEnvelope.safeParse(parsed);
  if (!envelope.success) return null;
  const { id, type, created, livemode, data } = envelope.data;
  return { id, type, created, livemode: livemode === true, object: data.object };
}

/** Parses a queue message body; null for anything that is not a message this code wrote. */
export function parseBillingMessage(body: string): BillingEventMessage | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return null;
  }
  const m = parsed as Partial<BillingEventMessage> | null;
  if (!m || m.v !== 1 || typeof m.eventId !== 'string' || typeof m.type !== 'string' || !isHandledType(m.type)) return null;
  if (typeof m.created !== 'number' || typeof m.livemode !== 'boolean' || !m.object || typeof m.object !== 'object') return null;
  return m as BillingEventMessage;
}
