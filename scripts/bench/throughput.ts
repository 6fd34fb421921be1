import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DeleteMessageBatchCommand, GetQueueUrlCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyResult, SQSEvent, SQSRecord } from 'aws-lambda';
import { apiGatewayEvent, isServed, lambdaContext, queueConsumer, resolveRouteIn, type FunctionDef } from '../lib/api-events';
import { PROJECT_ROOT, type StageConfig } from '../lib/stage-config';
import { loadHandler } from './context';
import { stripeSignature } from './scenarios';
import { round } from './stats';
import type { BenchContext, StripeEventSpec, ThroughputSpec } from './types';

export interface ThroughputResult {
  status: 'ok' | 'not built' | 'failed';
  reason?: string;
  events: number;
  duplicatesDelivered: number;
  receivedPerSecond: number | null;
  appliedPerSecond: number | null;
  receiptErrors: number;
  lost: number | null;
  doubleApplied: number | null;
}

const sqsFixture = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'test/fixtures/aws-events/sqs-event.json'), 'utf8')) as SQSEvent;

/** A real SQS event for the worker, as the Lambda event source mapping builds it. */
export function sqsEvent(messages: Message[], queueArn: string, region: string): SQSEvent {
  const template = sqsFixture.Records[0];
  return {
    Records: messages.map(
      (m): SQSRecord => ({
        ...template,
        messageId: m.MessageId!,
        receiptHandle: m.ReceiptHandle!,
        body: m.Body ?? '',
        md5OfBody: m.MD5OfBody ?? '',
        attributes: { ...template.attributes, ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? '1' },
        messageAttributes: {},
        eventSourceARN: queueArn,
        awsRegion: region,
      }),
    ),
  };
}

async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

export async function runThroughput(config: StageConfig, ctx: BenchContext, spec: ThroughputSpec<any>, count: number): Promise<ThroughputResult> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const empty = { events: 0, duplicatesDelivered: 0, receivedPerSecond: null, appliedPerSecond: null, receiptErrors: 0, lost: null, doubleApplied: null };
  const functions = config.functions as Record<string, FunctionDef>;
  const [method, resource] = spec.receiverRoute.split(' ');
  const consumerOf = /^consumer of (\S+)$/.exec(spec.worker)?.[1];
  const workerKey = consumerOf ? queueConsumer(config.functions as never, consumerOf) : config.functions[spec.worker] ? spec.worker : undefined;
  const missing = [isServed(functions, spec.receiverRoute) ? '' : spec.receiverRoute, workerKey ? '' : spec.worker].filter(Boolean);
  if (missing.length) return { ...empty, status: 'not built', reason: `missing ${missing.join(', ')}` };
  try {
    const receiverKey = resolveRouteIn(functions, method, resource).key;
    const receiver = loadHandler(config, receiverKey);
    const worker = loadHandler(config, workerKey!);
    const receiverDef = config.functions[receiverKey];
    const sqs = new SQSClient({ endpoint: ctx.emulatorEndpoint });
    const queueUrl = (await sqs.send(new GetQueueUrlCommand({ QueueName: ctx.env.STRIPE_EVENTS_QUEUE }))).QueueUrl!;
    const queueArn = `arn:aws:sqs:${process.env.AWS_REGION}:123456789012:${ctx.env.STRIPE_EVENTS_QUEUE}`;

    const state = await spec.setup(ctx, count);
    const events = Array.from({ length: count }, (_, i) => spec.makeEvent(ctx, state, i));
    let receiptErrors = 0;
    const deliver = async (event: StripeEventSpec) => {
      const request = { method: 'POST', path: resource, headers: { 'Content-Type': 'application/json', 'Stripe-Signature': stripeSignature(ctx.webhookSecret, event.payload) }, body: event.payload };
      const result = (await receiver(apiGatewayEvent(request, resource, {}), lambdaContext(receiverDef.name))) as APIGatewayProxyResult;
      if (result.statusCode !== 200) receiptErrors += 1;
    };
    const drain = async () => {
      // Lambda's event source mapping: batches of up to 10; failed items (batchItemFailures) stay queued.
      for (let idle = 0; idle < 2; ) {
        const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, VisibilityTimeout: 30, AttributeNames: ['All'] }));
        const messages = out.Messages ?? [];
        if (!messages.length) {
          idle += 1;
          continue;
        }
        idle = 0;
        const outcome = (await worker(sqsEvent(messages, queueArn, process.env.AWS_REGION ?? 'eu-west-1'), lambdaContext(config.functions[workerKey!].name))) as
          | { batchItemFailures?: Array<{ itemIdentifier: string }> }
          | undefined;
        const failed = new Set((outcome?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
        const done = messages.filter((m) => !failed.has(m.MessageId!));
        if (done.length) await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }));
      }
    };

    const t0 = process.hrtime.bigint();
    await pool(events, 10, deliver);
    const t1 = process.hrtime.bigint();
    await drain();
    const t2 = process.hrtime.bigint();
    const first = await spec.inspect(ctx, state, events);

    const duplicates = events.slice(0, Math.round(count * spec.duplicateShare));
    await pool(duplicates, 10, deliver);
    await drain();
    const second = await spec.inspect(ctx, state, events);

    const lost = first.filter((f) => f === undefined).length;
    const doubleApplied = duplicates.filter((_, i) => first[i] !== undefined && second[i] !== first[i]).length;
    return {
      status: 'ok',
      events: count,
      duplicatesDelivered: duplicates.length,
      receivedPerSecond: round(count / (Number(t1 - t0) / 1e9), 1),
      appliedPerSecond: round((count - lost) / (Number(t2 - t0) / 1e9), 1),
      receiptErrors,
      lost,
      doubleApplied,
    };
  } catch (error) {
    return { ...empty, status: 'failed', reason: (error as Error).message.split('\n')[0] };
  }
}
