import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { EMULATOR_REGION } from '../../../scripts/lib/emulator';
import { newInboundObjectKey } from '../../../scripts/lib/inbound-mail';
import { countAwsCalls, instrumentPlatformClients, type AwsCall } from '../../../scripts/lib/aws-call-counter';
import { composeMail, LOCAL_INBOUND_BUCKET, redeliverInProcess, sesVerdictHeaders, uniqueMessageId, uniqueSender } from '../../support/inbox';

// The AWS calls of the security inbox's intake per kind of message, counted as the bench counts
// them (scripts/bench/inbox.ts), so the targets of docs/performance.md are held by `npm test`.
// Storing the message in the bucket is SES's call, made here before counting.

const s3 = new S3Client({ region: EMULATOR_REGION, endpoint: process.env.HELPSHELF_TEST_EMULATOR, forcePathStyle: true, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
const names = (calls: AwsCall[]) => calls.map((c) => `${c.service}:${c.command.replace(/Command$/, '')}`).sort();

async function deliverCounted(raw: Buffer) {
  const key = newInboundObjectKey();
  await s3.send(new PutObjectCommand({ Bucket: LOCAL_INBOUND_BUCKET, Key: key, Body: raw }));
  const { result, calls } = await countAwsCalls(() => redeliverInProcess(key, raw.byteLength));
  return { outcome: result, calls: names(calls) };
}

describe('AWS calls of the security inbox intake (warm function)', () => {
  jest.setTimeout(60_000);
  beforeAll(async () => {
    instrumentPlatformClients();
    await deliverCounted(composeMail({ from: uniqueSender('warm'), headers: sesVerdictHeaders() })); // module load, first connections
  });

  it('a new report, a reply to it, the report again under another key and an out-of-office make 7, 8, 3 and 2 calls', async () => {
    // Prepare
    const sender = uniqueSender('calls');
    const messageId = uniqueMessageId();
    const report = composeMail({ from: sender, messageId, headers: sesVerdictHeaders() });
    // Act
    const created = await deliverCounted(report);
    const reply = await deliverCounted(composeMail({ from: sender, subject: `Re: ${created.outcome.incidentId}`, inReplyTo: messageId, headers: sesVerdictHeaders() }));
    const duplicate = await deliverCounted(report);
    const autoReply = await deliverCounted(composeMail({ from: uniqueSender('ooo'), headers: ['Auto-Submitted: auto-replied', ...sesVerdictHeaders()] }));
    // Assess
    expect(created.outcome).toMatchObject({ outcome: 'created' });
    // object read, claim, rate count, incident (one transaction), acknowledgement, team alert, finish with the acknowledgement's record (one transaction)
    expect(created.calls).toEqual(['dynamodb:PutItem', 'dynamodb:TransactWriteItems', 'dynamodb:TransactWriteItems', 'dynamodb:UpdateItem', 's3:GetObject', 'ses:SendEmail', 'ses:SendRawEmail']);
    expect(reply.outcome).toMatchObject({ outcome: 'appended', incidentId: created.outcome.incidentId });
    // object read, claim, rate count, referenced Message-IDs, the incident, the append (one transaction), contact told, finish
    expect(reply.calls).toEqual(['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:TransactWriteItems', 'dynamodb:UpdateItem', 'dynamodb:UpdateItem', 's3:GetObject', 'ses:SendEmail']);
    expect(duplicate.outcome).toMatchObject({ outcome: 'ignored', reason: 'duplicate' });
    // object read, the refused claim (it returns the first delivery's record), the duplicate's own record
    expect(duplicate.calls).toEqual(['dynamodb:PutItem', 'dynamodb:PutItem', 's3:GetObject']);
    expect(autoReply.outcome).toMatchObject({ outcome: 'ignored', reason: 'auto_reply' });
    // object read, the claim written already ignored (classified before claiming)
    expect(autoReply.calls).toEqual(['dynamodb:PutItem', 's3:GetObject']);
  });
});
