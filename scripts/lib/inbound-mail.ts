import { randomBytes, randomUUID } from 'node:crypto';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';

/**
 * The local path of the security inbox: what SES's receipt rule and S3's event notification do
 * on AWS. The raw message is stored in the inbound bucket under the key shape SES uses
 * (`inbound/<message id>`), then the intake function is invoked with the ObjectCreated event S3
 * would send, through the same Lambda invoke port the ops CLI uses.
 */

export const INBOUND_FUNCTION = 'receiveSecurityMail';

export interface InboundTarget {
  service: string;
  stage: string;
  region: string;
  emulatorEndpoint: string;
  lambdaEndpoint: string;
}

export interface InboundOutcome {
  objectKey: string;
  outcome: 'created' | 'appended' | 'ignored';
  incidentId?: string;
  reason?: string;
}

export const inboundBucketName = (t: Pick<InboundTarget, 'service' | 'stage' | 'region'>) => `${t.service}-${t.stage}-inbound-${t.region}`;

/** An SES-like message id: SES names stored messages with 20–40 lower-case letters and digits. */
export function newInboundObjectKey(): string {
  return `inbound/${randomBytes(20).toString('hex').slice(0, 32)}`;
}

/** The ObjectCreated event S3 sends (keys URL-encoded, `+` for a space), as AWS documents it. */
export function s3ObjectCreatedEvent(bucket: string, key: string, size: number, region: string): S3Event {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: region,
        eventTime: new Date().toISOString(),
        eventName: 'ObjectCreated:Put',
        userIdentity: { principalId: 'AWS:ses.amazonaws.com' },
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: { 'x-amz-request-id': randomBytes(8).toString('hex').toUpperCase(), 'x-amz-id-2': randomBytes(24).toString('base64') },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'security-inbox',
          bucket: { name: bucket, ownerIdentity: { principalId: 'local' }, arn: `arn:aws:s3:::${bucket}` },
          object: { key: encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+'), size, eTag: randomBytes(16).toString('hex'), sequencer: Date.now().toString(16).toUpperCase() },
        },
      },
    ],
  };
}

export async function storeInboundMessage(target: InboundTarget, raw: Uint8Array, key = newInboundObjectKey()): Promise<string> {
  const s3 = new S3Client({ region: target.region, endpoint: target.emulatorEndpoint, forcePathStyle: true, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  await s3.send(new PutObjectCommand({ Bucket: inboundBucketName(target), Key: key, Body: raw, ContentType: 'message/rfc822' }));
  return key;
}

/** Stores the message and delivers its event; the intake's outcome for it. */
export async function receiveLocally(target: InboundTarget, raw: Uint8Array, key?: string): Promise<InboundOutcome> {
  const objectKey = await storeInboundMessage(target, raw, key);
  const lambda = new LambdaClient({ region: target.region, endpoint: target.lambdaEndpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
  const event = s3ObjectCreatedEvent(inboundBucketName(target), objectKey, raw.byteLength, target.region);
  const out = await lambda.send(new InvokeCommand({ FunctionName: `${target.service}-${target.stage}-${INBOUND_FUNCTION}`, Payload: Buffer.from(JSON.stringify(event)) }));
  const text = out.Payload ? Buffer.from(out.Payload).toString('utf8') : '';
  if (out.FunctionError) throw new Error(`${INBOUND_FUNCTION} failed (${out.FunctionError}): ${text.slice(0, 500)}`);
  const { results } = JSON.parse(text) as { results: InboundOutcome[] };
  if (!results?.[0]) throw new Error(`${INBOUND_FUNCTION} processed no record for ${objectKey}`);
  return results[0];
}

// ---------------------------------------------------------------- composed messages (tests, bench)

/** The local stage's security address. */
export const SECURITY_INBOX = 'security@helpshelf.test';

export interface ComposedMail {
  from?: string | null;
  to?: string;
  subject?: string;
  text?: string;
  messageId?: string | null;
  inReplyTo?: string;
  references?: string[];
  /** Extra header lines, topmost first (e.g. SES verdicts), placed above the others as SES does. */
  headers?: string[];
  attachments?: Array<{ name: string; contentType: string; content: Buffer }>;
}

export const uniqueMessageId = () => `<${randomUUID()}@reporter.example.test>`;
export const uniqueSender = (tag = 'reporter') => `${tag}-${randomUUID().slice(0, 8)}@example.test`;

/** A message as a mail client would write it (test input only; the code under test reads it with mailparser). */
export function composeMail(m: ComposedMail = {}): Buffer {
  const boundary = `b-${randomUUID()}`;
  const head = [
    ...(m.headers ?? []),
    ...(m.from === null ? [] : [`From: Reporter <${m.from ?? uniqueSender()}>`]),
    `To: ${m.to ?? SECURITY_INBOX}`,
    `Subject: ${m.subject ?? `XSS in shelf names ${randomUUID()}`}`,
    'Date: Wed, 02 Dec 2026 06:00:00 +0000',
    ...(m.messageId === null ? [] : [`Message-ID: ${m.messageId ?? uniqueMessageId()}`]),
    ...(m.inReplyTo ? [`In-Reply-To: ${m.inReplyTo}`] : []),
    ...(m.references?.length ? [`References: ${m.references.join(' ')}`] : []),
    'MIME-Version: 1.0',
  ];
  const text = m.text ?? 'Steps to reproduce:\n1. Name a shelf <img src=x onerror=alert(1)>\n2. Open it.';
  if (!m.attachments?.length) return Buffer.from([...head, 'Content-Type: text/plain; charset=UTF-8', 'Content-Transfer-Encoding: 8bit', '', text, ''].join('\r\n'));
  const parts = [
    `--${boundary}`,
    'Content-Type: text/plain; charset=UTF-8',
    '',
    text,
    ...m.attachments.flatMap((a) => [
      `--${boundary}`,
      `Content-Type: ${a.contentType}; name="${a.name}"`,
      `Content-Disposition: attachment; filename="${a.name}"`,
      'Content-Transfer-Encoding: base64',
      '',
      ...(a.content.toString('base64').match(/.{1,76}/g) ?? ['']),
    ]),
    `--${boundary}--`,
    '',
  ];
  return Buffer.from([...head, `Content-Type: multipart/mixed; boundary="${boundary}"`, '', ...parts].join('\r\n'));
}

/** SES's verdict headers as its receipt rule writes them on top of a stored message. */
export function sesVerdictHeaders(v: { spf?: string; dkim?: string; dmarc?: string; spam?: string; virus?: string } = {}): string[] {
  return [
    `X-SES-Spam-Verdict: ${v.spam ?? 'PASS'}`,
    `X-SES-Virus-Verdict: ${v.virus ?? 'PASS'}`,
    `Authentication-Results: amazonses.com; spf=${v.spf ?? 'pass'} (spfCheck: domain of example.test designates 192.0.2.1 as permitted sender) smtp.mailfrom=reporter@example.test; dkim=${v.dkim ?? 'pass'} header.i=@example.test; dmarc=${v.dmarc ?? 'pass'} header.from=example.test;`,
  ];
}

