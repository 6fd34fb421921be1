import { GetQueueUrlCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { sqsClient } from '../platform/aws/sqs';
import type { RevocationQueue } from './model';

/** SQS adapter of the revocation retry queue. Messages carry sealed tokens only, never plain ones. */
const urls = new Map<string, Promise<string>>();

/** The queue's URL, looked up once per container (a failed lookup is retried next time). */
export function queueUrlOf(queueName: string): Promise<string> {
  let url = urls.get(queueName);
  if (!url) {
    url = sqsClient.send(new GetQueueUrlCommand({ QueueName: queueName })).then((out) => out.QueueUrl!);
    url.catch(() => urls.delete(queueName));
    urls.set(queueName, url);
  }
  return url;
}

export function sqsRevocationQueue(queueName: string): RevocationQueue {
  const queueUrl = () => queueUrlOf(queueName);
  return {
    async send(message) {
      await sqsClient.send(new SendMessageCommand({ QueueUrl: await queueUrl(), MessageBody: JSON.stringify(message) }));
    },
  };
}
