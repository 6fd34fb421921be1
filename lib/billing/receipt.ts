import { BadRequestError, ConflictError, ServiceUnavailableError } from '../platform/errors';
import { describeError, logger } from '../platform/logger';
import { readEnvelope, toBillingMessage, type BillingEventMessage } from './events';

/**
 * Receipt of a Stripe webhook, in the Powertools idempotency style: verify, claim the event id
 * (in progress, with a short expiry), hand the projection to the queue, mark the claim complete.
 * A failed hand-off releases the claim and answers 5xx, so Stripe's retry is accepted; a crash
 * between claim and completion leaves a claim that expires within seconds, for the same reason.
 */

/** Verifies the signature over the exact bytes and returns the parsed body. */
export type SignatureVerifier = (rawBody: string, signatureHeader: string) => Promise<{ ok: true; parsed: unknown } | { ok: false; reason: 'signature' | 'payload' }>;

export type ClaimOutcome = { outcome: 'claimed'; token: string } | { outcome: 'completed' } | { outcome: 'in_progress' };

export interface EventClaimStore {
  claim(eventId: string, type: string): Promise<ClaimOutcome>;
  complete(eventId: string, token: string): Promise<void>;
  release(eventId: string, token: string): Promise<void>;
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

  const claim = await deps.claims.claim(event.id, event.type);
  if (claim.outcome === 'completed') {
    logger.info('stripe event already received', log);
    return 'duplicate';
  }
  if (claim.outcome === 'in_progress') {
    // Another delivery of this event is being handed off right now; if it fails, Stripe must
    // retry, so this one is not acknowledged either.
    throw new ConflictError('event_in_progress', 'This event is being processed; retry later.');
  }

  const message = toBillingMessage(event);
  if (message) {
    try {
      await deps.queue.send(message);
    } catch (error) {
      logger.error('stripe event hand-off failed', { ...log, error: { name: describeError(error).name } });
      try {
        await deps.claims.release(event.id, claim.token);
      } catch {
        // The claim expires on its own within seconds; Stripe retries later than that.
      }
      throw new ServiceUnavailableError('The event could not be queued. Retry later.', { cause: error });
    }
  }
  try {
    await deps.claims.complete(event.id, claim.token);
  } catch (error) {
    // The event is safely queued; an uncompleted claim expires and a retry is de-duplicated by the worker.
    logger.warn('stripe event claim not completed', { ...log, error: { name: describeError(error).name } });
  }
  logger.info(message ? 'stripe event queued' : 'stripe event type not handled; acknowledged', log);
  return message ? 'accepted' : 'ignored';
}
