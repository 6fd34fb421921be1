import type { BillingEventMessage } from './events';

/**
 * Per-customer billing state and the one rule that makes event order irrelevant: every group of
 * fields remembers the version of the event that last set it, and an event changes a group only
 * when its version is strictly newer. Applying any permutation of the same events (with
 * duplicates) therefore ends in the state that in-order application gives.
 *
 * A version is a fixed-width string, compared lexicographically (also in DynamoDB): the event's
 * `created` second first, then which kind of object set it, then the object's own fields that
 * order changes made within the same second.
 */
export interface CustomerState {
  customerId: string;
  /** The HelpShelf user this customer is linked to (checkout's client_reference_id), or null. */
  userId: string | null;
  linkVersion: string | null;
  deleted: boolean;
  /** The customer's account was deleted by its owner (lib/billing/data-rights.ts): later events are ignored. */
  erased?: boolean;
  subscriptionId: string | null;
  plan: string | null;
  /** Epoch seconds. */
  periodEnd: number | null;
  subscriptionVersion: string | null;
  status: string | null;
  statusVersion: string | null;
  /** Optimistic-concurrency revision; 0 when the state is not stored yet. */
  rev: number;
}

/** The `billing` map on the user item (see the data contract in the brief). */
export interface BillingView {
  customerId: string;
  subscriptionId: string | null;
  status: string | null;
  plan: string | null;
  periodEnd: string | null;
  updatedAt: string;
}

const pad = (n: number, width: number) => String(Math.max(0, Math.trunc(n))).padStart(width, '0');

export function version(created: number, kindRank: number, a = 0, b = 0): string {
  return `${pad(created, 12)}:${kindRank}:${pad(a, 12)}:${pad(b, 4)}`;
}

const newer = (candidate: string, stored: string | null) => stored === null || candidate > stored;

/** Where a subscription status sits in its life, to order two updates of the same second. */
const SUBSCRIPTION_STATUS_RANK: ReadonlyMap<string | null, number> = new Map([
  ['incomplete', 1],
  ['incomplete_expired', 2],
  ['trialing', 3],
  ['active', 4],
  ['past_due', 5],
  ['unpaid', 6],
  ['paused', 7],
  ['canceled', 8],
]);

/** Kind ranks: within one second a subscription event outranks an invoice event for the status. */
const KIND = { checkout: 1, customerDeleted: 2, invoice: 1, subscription: 2 } as const;

export function emptyState(customerId: string): CustomerState {
  return {
    customerId,
    userId: null,
    linkVersion: null,
    deleted: false,
    subscriptionId: null,
    plan: null,
    periodEnd: null,
    subscriptionVersion: null,
    status: null,
    statusVersion: null,
    rev: 0,
  };
}

/** The customer an event is about, or null when there is none to act on. */
export function customerOf(message: BillingEventMessage): string | null {
  return message.object.customerId;
}

export interface MergeResult {
  next: CustomerState;
  changed: boolean;
  linkChanged: boolean;
  statusChanged: boolean;
}

/** Applies one event to a customer's state, keeping every field group at its newest version. */
export function mergeEvent(state: CustomerState, message: BillingEventMessage): MergeResult {
  const next: CustomerState = { ...state };
  let linkChanged = false;
  let statusChanged = false;
  let changed = false;
  const o = message.object;

  if (o.kind === 'checkout_session') {
    const v = version(message.created, KIND.checkout);
    if (o.userId && newer(v, state.linkVersion)) {
      next.userId = o.userId;
      next.linkVersion = v;
      next.deleted = false;
      linkChanged = next.userId !== state.userId || state.deleted;
      changed = true;
    }
    // The session names the subscription before its own events may have arrived; it never
    // overrides what a subscription event has set.
    if (o.subscriptionId && next.subscriptionId === null) {
      next.subscriptionId = o.subscriptionId;
      changed = true;
    }
  } else if (o.kind === 'customer') {
    const v = version(message.created, KIND.customerDeleted);
    if (newer(v, state.linkVersion)) {
      next.userId = null;
      next.deleted = true;
      next.linkVersion = v;
      linkChanged = state.userId !== null;
      changed = true;
    }
  } else if (o.kind === 'subscription') {
    const status = message.type === 'customer.subscription.deleted' ? 'canceled' : o.status;
    const v = version(message.created, KIND.subscription, o.periodEnd ?? 0, SUBSCRIPTION_STATUS_RANK.get(status) ?? 0);
    if (newer(v, state.subscriptionVersion)) {
      next.subscriptionId = o.subscriptionId;
      next.plan = o.plan;
      next.periodEnd = o.periodEnd;
      next.subscriptionVersion = v;
      changed = true;
    }
    if (status && newer(v, state.statusVersion)) {
      next.status = status;
      next.statusVersion = v;
      statusChanged = status !== state.status;
      changed = true;
    }
  } else {
    // An invoice: the last kind of projection.
    const paid = message.type === 'invoice.paid';
    const v = version(message.created, KIND.invoice, o.attemptCount, paid ? 1 : 0);
    if (newer(v, state.statusVersion)) {
      next.status = paid ? 'active' : 'past_due';
      next.statusVersion = v;
      statusChanged = next.status !== state.status;
      changed = true;
    }
  }
  return { next, changed, linkChanged, statusChanged };
}

export function billingView(state: CustomerState, updatedAt: string): BillingView {
  return {
    customerId: state.customerId,
    subscriptionId: state.subscriptionId,
    status: state.status,
    plan: state.plan,
    periodEnd: state.periodEnd === null ? null : new Date(state.periodEnd * 1000).toISOString(),
    updatedAt,
  };
}
