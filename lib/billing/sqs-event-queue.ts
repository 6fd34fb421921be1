import { GetQueueUrlCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { sqsClient } from '../platform/aws/sqs';
import type { BillingEventQueue } from './receipt';

/** SQS adapter. The queue URL is resolved once per container (a failed lookup is retried next time). */
export function sqsEventQueue(queueName: string): BillingEventQueue {
  let url: Promise<string> | undefined;
  const queueUrl = () => {
    url ??= sqsClient.send(new GetQueueUrlCommand({ QueueName: queueName })).then((out) => out.QueueUrl!);
    url.catch(() => {
      url = undefined;
    });
    return url;
  };
  return {
    async send(message) {
      await sqsClient.send(new SendMessageCommand({ QueueUrl: await queueUrl(), MessageBody: JSON.stringify(message) }));
    },
  };
}
