import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { EMULATOR_REGION } from '../../scripts/lib/emulator';
import { INBOUND_FUNCTION, inboundBucketName, newInboundObjectKey, s3ObjectCreatedEvent, type InboundOutcome } from '../../scripts/lib/inbound-mail';

export { composeMail, sesVerdictHeaders, uniqueMessageId, uniqueSender, type ComposedMail } from '../../scripts/lib/inbound-mail';
import { functionName, lambdaContext, loadHandler } from './http';
import { ROOT } from './paths';

export const EMAIL_FIXTURES = path.join(ROOT, 'test/fixtures/email');
export { SECURITY_INBOX } from '../../scripts/lib/inbound-mail';
export const LOCAL_INBOUND_BUCKET = inboundBucketName({ service: 'helpshelf', stage: 'local', region: EMULATOR_REGION });

export function emailFixtures(): Array<{ name: string; raw: Buffer }> {
  return readdirSync(EMAIL_FIXTURES)
    .filter((f) => f.endsWith('.eml'))
    .sort()
    .map((name) => ({ name, raw: readFileSync(path.join(EMAIL_FIXTURES, name)) }));
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
