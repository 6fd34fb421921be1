import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { ChangeMessageVisibilityCommand } from '@aws-sdk/client-sqs';
import { connections } from '../lib/connections/runtime';
import type { RevocationMessage } from '../lib/connections/service';
import { queueUrlOf } from '../lib/connections/sqs-revocation-queue';
import { sqsClient } from '../lib/platform/aws/sqs';
import { describeError, logger } from '../lib/platform/logger';
import { requireEnv } from '../lib/platform/config';

const queueName = requireEnv('CONNECTION_REVOCATIONS_QUEUE');

/** Backoff: 30 s, 60 s, 120 s … capped at 15 minutes; after maxReceiveCount the DLQ (and its alarm). */
export function backoffSeconds(receiveCount: number): number {
  return Math.min(900, 30 * 2 ** Math.max(0, receiveCount - 1));
}

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      await connections().retryRevocation(JSON.parse(record.body) as RevocationMessage);
      logger.info('revocation confirmed by the provider', { messageId: record.messageId });
    } catch (error) {
      const receiveCount = Number(record.attributes?.ApproximateReceiveCount ?? 1);
      logger.warn('revocation still refused; will retry', { messageId: record.messageId, receiveCount, error: describeError(error).name });
      batchItemFailures.push({ itemIdentifier: record.messageId });
      await queueUrlOf(queueName)
        .then((QueueUrl) => sqsClient.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: record.receiptHandle, VisibilityTimeout: backoffSeconds(receiveCount) })))
        .catch(() => undefined);
    }
  }
  return { batchItemFailures };
};
