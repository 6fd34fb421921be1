import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { EMULATOR_REGION } from '../../scripts/lib/emulator';
import { newInboundObjectKey } from '../../scripts/lib/inbound-mail';
import { composeMail, LOCAL_INBOUND_BUCKET, uniqueMessageId, uniqueSender } from '../support/inbox';
import { opsCli } from '../support/ops';

// docs/operations.md "Replaying a security report": a report whose processing failed (its S3
// event failed twice or aged out and sits in the inbox failures queue, so the intake never
// finished it) is still in the inbound bucket, and `mail replay` feeds it to the intake again.
describe('mail replay, through the ops CLI against the local stage', () => {
  const s3 = new S3Client({ region: EMULATOR_REGION, endpoint: process.env.E2E_EMULATOR_ENDPOINT, forcePathStyle: true, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const cli = async (...args: string[]) => {
    const result = await opsCli([...args, '--json']);
    if (result.code !== 0) throw new Error(`ops ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
    return result.json;
  };

  it('a stored report whose event was never processed becomes its incident once, however often it is replayed', async () => {
    // Prepare: SES stored the report; its event failed (nothing ran the intake on it)
    const subject = `Replayed report ${uniqueMessageId()}`;
    const key = newInboundObjectKey();
    await s3.send(new PutObjectCommand({ Bucket: LOCAL_INBOUND_BUCKET, Key: key, Body: composeMail({ from: uniqueSender(), messageId: uniqueMessageId(), subject }) }));

    // Act: replay it, then replay it again (the alarm's runbook run twice)
    const first = await cli('mail', 'replay', '--key', key, '--reason', 'INC-2041 inbox failures alarm');
    const second = await cli('mail', 'replay', '--key', key, '--reason', 'INC-2041 inbox failures alarm');

    // Assess: one incident, the same answer both times, and the replay is in the audit log
    expect(first).toEqual({ objectKey: key, outcome: 'created', incidentId: expect.stringMatching(/^inc_/) });
    expect(second).toEqual(first);
    const { incidents } = await cli('incidents', 'list');
    expect(incidents.filter((i: { summary: string }) => i.summary === subject)).toEqual([expect.objectContaining({ id: first.incidentId, source: 'email' })]);
    const { entries } = await cli('audit', 'list');
    expect(entries.filter((e: { action: string; subject: string }) => e.action === 'mail.replay' && e.subject === key)).toHaveLength(2);
  }, 180_000);

  it('refuses a replay without a reason, or of a key outside the inbound messages, changing nothing', async () => {
    const noReason = await opsCli(['mail', 'replay', '--key', newInboundObjectKey()]);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toMatch(/--reason/);
    const outside = await opsCli(['mail', 'replay', '--key', 'attachments/inc_x/1-poc.txt', '--reason', 'INC-2041 inbox failures alarm']);
    expect(outside.code).toBe(1);
    expect(outside.stderr).toMatch(/invalid_key|inbound/);
  }, 120_000);
});
