import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { EMULATOR_REGION } from '../../scripts/lib/emulator';
import { INBOUND_FUNCTION, inboundBucketName, newInboundObjectKey, s3ObjectCreatedEvent, type InboundOutcome } from '../../scripts/lib/inbound-mail';
import { functionName, lambdaContext, loadHandler } from './http';
import { ROOT } from './paths';

export const EMAIL_FIXTURES = path.join(ROOT, 'test/fixtures/email');
export const SECURITY_INBOX = 'security@helpshelf.test';
export const LOCAL_INBOUND_BUCKET = inboundBucketName({ service: 'helpshelf', stage: 'local', region: EMULATOR_REGION });

export function emailFixtures(): Array<{ name: string; raw: Buffer }> {
  return readdirSync(EMAIL_FIXTURES)
    .filter((f) => f.endsWith('.eml'))
    .sort()
    .map((name) => ({ name, raw: readFileSync(path.join(EMAIL_FIXTURES, name)) }));
}

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

let s3: S3Client | undefined;

/** In-process: the object stored in the emulator's inbound bucket, then the real handler run on its S3 event. */
export async function deliverInProcess(raw: Buffer, key = newInboundObjectKey()): Promise<InboundOutcome> {
  s3 ??= new S3Client({ region: EMULATOR_REGION, endpoint: process.env.HELPSHELF_TEST_EMULATOR, forcePathStyle: true, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  await s3.send(new PutObjectCommand({ Bucket: LOCAL_INBOUND_BUCKET, Key: key, Body: raw }));
  return redeliverInProcess(key, raw.byteLength);
}

/** The same S3 event again (a replayed notification), without storing anything. */
export async function redeliverInProcess(key: string, size: number): Promise<InboundOutcome> {
  const handler = loadHandler(INBOUND_FUNCTION);
  const out = (await handler(s3ObjectCreatedEvent(LOCAL_INBOUND_BUCKET, key, size, EMULATOR_REGION), lambdaContext(functionName(INBOUND_FUNCTION)))) as { results: InboundOutcome[] };
  return out.results[0];
}
