import { BadRequestError, ServiceUnavailableError } from '../platform/errors';
import { describeError, logger } from '../platform/logger';
import { readEnvelope, toBillingMessage, type BillingEventMessage } from './events';

/**
 * Receipt of a Stripe webhook in two AWS calls: verify, claim the event id (one conditional write
 * that also tells whether the worker already completed it), hand the projection to the queue,
 * answer 200. The worker marks the receipt completed once the event is applied, so a later replay
 * costs one call and is not queued again. A delivery that finds the event claimed but not yet
 * completed is queued again rather than refused: it cannot know whether the first hand-off will
 * succeed, and refusing would fail an immediate replay; the worker's applied marker makes the
 * second copy a no-op. A failed hand-off releases this delivery's claim and answers 5xx, so
 * Stripe's retry is accepted. Nothing is acknowledged before the queue has the event.
 */

/** Verifies the signature over the exact bytes and returns the parsed body. */
export type SignatureVerifier = (rawBody: string, signatureHeader: string) => Promise<{ ok: true; parsed: unknown } | { ok: false; reason: 'signature' | 'payload' }>;

export type ClaimOutcome = { outcome: 'claimed'; token: string } | { outcome: 'completed' };

export interface EventClaimStore {
  /** One write: claims the event for this delivery unless its processing is already completed. */
  claim(eventId: string, type: string): Promise<ClaimOutcome>;
  /** Releases this delivery's claim, if it still holds it. */
  release(eventId: string, token: string): Promise<void>;
  /** Records an event that needs no processing as completed (one write). */
  acknowledge(eventId: string, type: string): Promise<void>;
}

/** The worker's side: marks the receipt completed once the event is applied (or found a duplicate). */
export interface ReceiptCompletion {
  complete(eventId: string): Promise<void>;
}

export interface BillingEventQueue {
  send(message: BillingEventMessage): Promise<void>;
}

export interface ReceiptDeps {
  verify: SignatureVerifier;
  claims: EventClaimStore;
  queue: BillingEventQueue;
}

export type ReceiptOutcome = 'accepted' | 'duplicate' | 'ignored';

export class InvalidSignatureError extends BadRequestError {
  constructor() {
    super('invalid_signature', 'The Stripe-Signature header is missing, wrong or outside the tolerance.');
  }
}

export async function receiveStripeEvent(rawBody: string, signatureHeader: string | undefined, deps: ReceiptDeps): Promise<ReceiptOutcome> {
  if (!signatureHeader) throw new InvalidSignatureError();
  const verified = await deps.verify(rawBody, signatureHeader);
  if (!verified.ok) {
    if (verified.reason === 'signature') throw new InvalidSignatureError();
    throw new BadRequestError('invalid_payload', 'The signed body is not a Stripe event.');
  }
  const event = readEnvelope(verified.parsed);
  if (!event) throw new BadRequestError('invalid_payload', 'The signed body is not a Stripe event.');
  const log = { eventId: event.id, type: event.type };

  const message = toBillingMessage(event);
  if (!message) {
    await deps.claims.acknowledge(event.id, event.type);
    logger.info('stripe event type not handled; acknowledged', log);
    return 'ignored';
  }

  const claim = await deps.claims.claim(event.id, event.type);
  if (claim.outcome === 'completed') {
    logger.info('stripe event already received', log);
    return 'duplicate';
  }
  try {
    await deps.queue.send(message);
  } catch (error) {
    logger.error('stripe event hand-off failed', { ...log, error: { name: describeError(error).name } });
    try {
      await deps.claims.release(event.id, claim.token);
    } catch {
      // A claim that is not completed never stops a retry from being queued.
    }
    throw new ServiceUnavailableError('The event could not be queued. Retry later.', { cause: error });
  }
  logger.info('stripe event queued', log);
  return 'accepted';
}
