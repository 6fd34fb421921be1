import type { Mailer } from '../platform/mailer';
import { logger } from '../platform/logger';
import { nowIso } from '../platform/time';
import { billingView, customerOf, emptyState, mergeEvent, type BillingView, type CustomerState } from './customer-state';
import type { BillingEventMessage } from './events';

/** What the worker needs to know about a HelpShelf user. */
export interface BillingUser {
  userId: string;
  email: string;
  /** `billing.customerId` of the user item as read, or null when the map is absent. */
  billingCustomerId: string | null;
}

/** A write to one user item's `billing` map, guarded by what was read. */
export interface UserBillingWrite {
  userId: string;
  /** The new map, or null to remove it (unlink). */
  billing: BillingView | null;
  /** The write happens only if `billing.customerId` is still this (null: the map is absent). */
  expectedCustomerId: string | null;
}

/** Everything one event changes, committed atomically or not at all. */
export interface BillingChange {
  eventId: string;
  eventType: string;
  previous: CustomerState | undefined;
  next: CustomerState;
  userWrites: UserBillingWrite[];
  /** The event owes the user an email; the marker keeps that debt until the mail is sent. */
  notifyPending: boolean;
}

export type CommitOutcome = 'committed' | 'conflict' | 'duplicate';

/** The worker's storage port (billing table + user items). */
export interface BillingRepository {
  appliedMarker(eventId: string): Promise<{ notifyPending: boolean } | undefined>;
  loadCustomer(customerId: string): Promise<CustomerState | undefined>;
  loadUser(userId: string): Promise<BillingUser | undefined>;
  /** Writes the state (only if its revision is still `previous.rev`), the applied marker (only if absent) and the user writes. */
  commit(change: BillingChange): Promise<CommitOutcome>;
  clearNotifyPending(eventId: string): Promise<void>;
}

export interface ApplyDeps {
  repository: BillingRepository;
  mailer: Mailer;
  /** STRIPE_LIVEMODE of the stage. */
  livemode: boolean;
  /** Where the user fixes a failed payment (shown in the email). */
  billingUrl: string;
}

export type ApplyOutcome = 'applied' | 'unchanged' | 'duplicate' | 'ignored';

export class BillingConflictError extends Error {
  constructor(eventId: string) {
    super(`Event ${eventId} kept conflicting with concurrent writes`);
    this.name = 'BillingConflictError';
  }
}

const MAX_ATTEMPTS = 5;

async function sendPaymentFailedMail(deps: ApplyDeps, change: { eventId: string; email: string }): Promise<void> {
  await deps.mailer.send({
    to: change.email,
    subject: 'Your HelpShelf payment failed',
    text: [
      'Hello,',
      '',
      'We could not collect the latest payment for your HelpShelf subscription.',
      `Please update your payment details with Stripe here: ${deps.billingUrl}`,
      '',
      'If you have already done so, you can ignore this message.',
      '',
      '— HelpShelf',
    ].join('\n'),
  });
  await deps.repository.clearNotifyPending(change.eventId);
}

async function userWritesFor(deps: ApplyDeps, previous: CustomerState, next: CustomerState, linkChanged: boolean, updatedAt: string) {
  const writes: UserBillingWrite[] = [];
  let notifyEmail: string | undefined;
  if (previous.userId && previous.userId !== next.userId) {
    const old = await deps.repository.loadUser(previous.userId);
    // Only unlink a user whose billing still belongs to this customer.
    if (old && old.billingCustomerId === next.customerId) writes.push({ userId: old.userId, billing: null, expectedCustomerId: next.customerId });
  }
  if (next.userId) {
    const user = await deps.repository.loadUser(next.userId);
    // A user linked to another customer is taken over only by a newer checkout (linkChanged).
    if (user && (user.billingCustomerId === null || user.billingCustomerId === next.customerId || linkChanged)) {
      writes.push({ userId: user.userId, billing: billingView(next, updatedAt), expectedCustomerId: user.billingCustomerId });
      notifyEmail = user.email;
    }
  }
  return { writes, notifyEmail };
}

/**
 * Applies one event exactly once: a conditional write on the state revision stops lost updates,
 * the applied marker (written in the same transaction) stops a second application, and the
 * version rule in mergeEvent stops an older event overwriting a newer one.
 */
export async function applyBillingEvent(message: BillingEventMessage, deps: ApplyDeps): Promise<ApplyOutcome> {
  const log = { eventId: message.eventId, type: message.type };
  if (message.livemode !== deps.livemode) {
    logger.warn('stripe event livemode does not match the stage; ignored', { ...log, livemode: message.livemode });
    return 'ignored';
  }
  const customerId = customerOf(message);
  if (!customerId) {
    logger.info('stripe event names no customer; ignored', log);
    return 'ignored';
  }

  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const marker = await deps.repository.appliedMarker(message.eventId);
    if (marker) {
      if (marker.notifyPending) {
        const stored = await deps.repository.loadCustomer(customerId);
        const user = stored?.userId ? await deps.repository.loadUser(stored.userId) : undefined;
        if (user) await sendPaymentFailedMail(deps, { eventId: message.eventId, email: user.email });
        else await deps.repository.clearNotifyPending(message.eventId);
      }
      return 'duplicate';
    }
    const stored = await deps.repository.loadCustomer(customerId);
    if (stored?.erased) {
      // The account behind this customer was deleted by its owner, and the customer at Stripe with it.
      logger.info('stripe event for an erased customer; ignored', log);
      return 'ignored';
    }
    const previous = stored ?? emptyState(customerId);
    const merged = mergeEvent(previous, message);
    if (!merged.changed) return 'unchanged';

    const updatedAt = nowIso();
    const { writes, notifyEmail } = await userWritesFor(deps, previous, merged.next, merged.linkChanged, updatedAt);
    // A failed payment is worth an email when it is the newest word on the status, even if a
    // subscription update already said past_due.
    const notify = message.type === 'invoice.payment_failed' && merged.next.statusVersion !== previous.statusVersion && notifyEmail !== undefined;
    const outcome = await deps.repository.commit({
      eventId: message.eventId,
      eventType: message.type,
      previous: stored,
      next: merged.next,
      userWrites: writes,
      notifyPending: notify,
    });
    if (outcome === 'duplicate') return 'duplicate';
    if (outcome === 'committed') {
      if (notify) await sendPaymentFailedMail(deps, { eventId: message.eventId, email: notifyEmail! });
      return 'applied';
    }
    logger.info('billing state changed concurrently; retrying', { ...log, attempt });
  }
  throw new BillingConflictError(message.eventId);
}
