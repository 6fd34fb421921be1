import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { describeError, logger } from '../platform/logger';
import { applyBillingEvent, type ApplyDeps } from './apply';
import { parseBillingMessage, type BillingEventMessage } from './events';
import type { ReceiptCompletion } from './receipt';

export interface WorkerDeps extends ApplyDeps {
  /** Marks the webhook receipt completed, so later replays are answered without queueing. */
  receipts: ReceiptCompletion;
}

/**
 * Applies one SQS batch and reports only the records that failed, so SQS redelivers those alone
 * (functionResponseType: ReportBatchItemFailures). Records of one customer run one after the
 * other (fewer write conflicts); different customers run concurrently. A record that cannot be
 * parsed is reported as failed, so the redrive policy moves it to the dead-letter queue. Once an
 * event is applied (or found a duplicate, unchanged or ignored), its receipt is marked completed;
 * if that write fails the record still succeeds: the event is applied, and a replay would only be
 * queued again and found a duplicate.
 */
export async function processBillingBatch(records: SQSRecord[], deps: WorkerDeps): Promise<SQSBatchResponse> {
  const failures: string[] = [];
  const groups = new Map<string, Array<{ record: SQSRecord; message: BillingEventMessage }>>();
  for (const record of records) {
    const message = parseBillingMessage(record.body);
    if (!message) {
      logger.error('unreadable billing queue message', { messageId: record.messageId });
      failures.push(record.messageId);
      continue;
    }
    const key = message.object.customerId ?? message.eventId;
    groups.set(key, [...(groups.get(key) ?? []), { record, message }]);
  }
  await Promise.all(
    [...groups.values()].map(async (group) => {
      for (const { record, message } of group) {
        try {
          const outcome = await applyBillingEvent(message, deps);
          logger.info('stripe event processed', { eventId: message.eventId, type: message.type, outcome });
          try {
            await deps.receipts.complete(message.eventId);
          } catch (error) {
            logger.warn('stripe event receipt not marked completed', { eventId: message.eventId, error: { name: describeError(error).name } });
          }
        } catch (error) {
          // The error's name and message only: adapters never put payloads into messages.
          logger.error('stripe event failed; it will be retried', {
            eventId: message.eventId,
            type: message.type,
            error: { name: describeError(error).name, message: describeError(error).message },
          });
          failures.push(record.messageId);
        }
      }
    }),
  );
  return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
}
