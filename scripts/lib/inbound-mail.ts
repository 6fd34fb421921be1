import { randomBytes } from 'node:crypto';
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
