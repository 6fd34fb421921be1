import { DeleteMessageBatchCommand, GetQueueUrlCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { EMULATOR_ACCOUNT_ID } from './provision';
import type { StageConfig } from './stage-config';

/**
 * serverless-offline does not run SQS event sources, so the local stage does what an event source
 * mapping does: long-poll the queue, invoke the function through serverless-offline's Lambda
 * invoke endpoint with a real SQS event, delete the records the function did not report in
 * `batchItemFailures` (all of them on success without ReportBatchItemFailures, none on a function
 * error), and leave the rest to the visibility timeout and the queue's redrive policy (DLQ).
 */
export interface SqsSource {
  functionKey: string;
  functionName: string;
  queueLogicalId: string;
  queueName: string;
  batchSize: number;
  reportBatchItemFailures: boolean;
}

export interface SqsPollers {
  sources: SqsSource[];
  stop(): Promise<void>;
}

export function sqsSources(config: StageConfig): SqsSource[] {
  const sources: SqsSource[] = [];
  for (const [functionKey, fn] of Object.entries(config.functions)) {
    for (const event of fn.events ?? []) {
      const sqs = event.sqs as { arn?: unknown; batchSize?: number; functionResponseType?: string } | string | undefined;
      if (!sqs) continue;
      const arn = typeof sqs === 'string' ? sqs : sqs.arn;
      const getAtt = (arn as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt'];
      if (!getAtt) throw new Error(`${functionKey}: the local stage needs the sqs event's arn as !GetAtt <Queue>.Arn`);
      const queue = config.resources.Resources[getAtt[0]];
      const queueName = String(queue?.Properties?.QueueName ?? '');
      if (!queueName) throw new Error(`${functionKey}: queue ${getAtt[0]} has no QueueName`);
      sources.push({
        functionKey,
        functionName: fn.name,
        queueLogicalId: getAtt[0],
        queueName,
        batchSize: typeof sqs === 'string' ? 10 : (sqs.batchSize ?? 10),
        reportBatchItemFailures: typeof sqs !== 'string' && sqs.functionResponseType === 'ReportBatchItemFailures',
      });
    }
  }
  return sources;
}

function toRecord(message: Message, queueArn: string, region: string): SQSRecord {
  const a = message.Attributes ?? {};
  return {
    messageId: message.MessageId!,
    receiptHandle: message.ReceiptHandle!,
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: a.ApproximateReceiveCount ?? '1',
      SentTimestamp: a.SentTimestamp ?? String(Date.now()),
      SenderId: a.SenderId ?? EMULATOR_ACCOUNT_ID,
      ApproximateFirstReceiveTimestamp: a.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([k, v]) => [
        k,
        { stringValue: v.StringValue, binaryValue: v.BinaryValue ? Buffer.from(v.BinaryValue).toString('base64') : undefined, stringListValues: [], binaryListValues: [], dataType: v.DataType ?? 'String' },
      ]),
    ),
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

export interface PollerOptions {
  emulatorEndpoint: string;
  lambdaEndpoint: string;
  region: string;
  log?: (line: string) => void;
  /** Seconds a receive waits for messages (long polling). */
  waitSeconds?: number;
  /** Concurrent pollers per queue (AWS starts with five; the local machine is smaller). */
  concurrency?: number;
}

export function startSqsPollers(config: StageConfig, options: PollerOptions): SqsPollers {
  const log = options.log ?? (() => undefined);
  const sqs = new SQSClient({ region: options.region, endpoint: options.emulatorEndpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const controller = new AbortController();
  const sources = sqsSources(config);

  const pollOne = async (source: SqsSource) => {
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: source.queueName }));
    const queueArn = `arn:aws:sqs:${options.region}:${EMULATOR_ACCOUNT_ID}:${source.queueName}`;
    const invokeUrl = `${options.lambdaEndpoint}/2015-03-31/functions/${encodeURIComponent(source.functionName)}/invocations`;
    while (!controller.signal.aborted) {
      try {
        const out = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: Math.min(10, source.batchSize), WaitTimeSeconds: options.waitSeconds ?? 2, AttributeNames: ['All'], MessageSystemAttributeNames: ['All'], MessageAttributeNames: ['All'] }),
          { abortSignal: controller.signal },
        );
        const messages = out.Messages ?? [];
        if (messages.length === 0) continue;
        const event: SQSEvent = { Records: messages.map((m) => toRecord(m, queueArn, options.region)) };
        const res = await fetch(invokeUrl, { method: 'POST', body: JSON.stringify(event), headers: { 'Content-Type': 'application/json' }, signal: controller.signal });
        const text = await res.text();
        if (!res.ok || res.headers.get('x-amz-function-error')) {
          log(`${source.functionKey}: invocation failed (${res.status}); ${messages.length} message(s) return after the visibility timeout`);
          continue;
        }
        let failed = new Set<string>();
        if (source.reportBatchItemFailures) {
          const body = text ? (JSON.parse(text) as { batchItemFailures?: Array<{ itemIdentifier?: string }> } | null) : null;
          failed = new Set((body?.batchItemFailures ?? []).map((f) => String(f.itemIdentifier)));
        }
        const done = messages.filter((m) => !failed.has(m.MessageId!));
        if (done.length) {
          await sqs.send(new DeleteMessageBatchCommand({ QueueUrl, Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }));
        }
      } catch (error) {
        if (controller.signal.aborted) break;
        log(`${source.functionKey}: poller error ${(error as Error).name}; retrying`);
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  };

  const loops = sources.flatMap((source) =>
    Array.from({ length: options.concurrency ?? 3 }, () =>
      pollOne(source).catch((error: unknown) => {
        if (!controller.signal.aborted) log(`${source.functionKey}: poller stopped: ${(error as Error).message}`);
      }),
    ),
  );
  for (const s of sources) log(`sqs poller: ${s.queueName} → ${s.functionKey} (batch ${s.batchSize})`);
  return {
    sources,
    stop: async () => {
      controller.abort();
      await Promise.all(loops);
    },
  };
}
