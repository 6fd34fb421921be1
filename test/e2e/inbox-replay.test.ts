import { readFileSync } from 'node:fs';
import { HeadObjectCommand, PutObjectCommand, RestoreObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { LocalStageState } from '../../scripts/lib/local-stage-state';
import { INBOUND_FUNCTION, newInboundObjectKey, s3ObjectCreatedEvent } from '../../scripts/lib/inbound-mail';
import { composeMail, LOCAL_INBOUND_BUCKET, uniqueMessageId, uniqueSender } from '../support/inbox';
import { opsCli } from '../support/ops';

/** Polls `read` until `done` holds or the deadline passes (then fails with the last value). */
async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, deadlineMs = 30_000): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${deadlineMs} ms (last: ${JSON.stringify(value)})`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

// docs/operations.md "Replaying a security report": a report whose processing failed (its S3
// event failed twice and sits in the inbox failures queue) is still in the inbound bucket, and
// `mail replay` feeds it to the intake again once the cause is fixed.
describe('mail replay, through the ops CLI against the local stage', () => {
  const state = JSON.parse(readFileSync(process.env.E2E_STATE_FILE!, 'utf8')) as LocalStageState;
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const s3 = new S3Client({ region: state.region, endpoint: state.emulatorEndpoint, forcePathStyle: true, credentials });
  const lambda = new LambdaClient({ region: state.region, endpoint: state.lambdaEndpoint, credentials, maxAttempts: 1 });
  const cli = async (...args: string[]) => {
    const result = await opsCli([...args, '--json']);
    if (result.code !== 0) throw new Error(`ops ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
    return result.json;
  };
  const incidentsAbout = async (subject: string) => ((await cli('incidents', 'list')).incidents as Array<{ id: string; summary: string; source: string }>).filter((i) => i.summary === subject);

  it('a stored report whose processing failed becomes its incident once, however often it is replayed', async () => {
    // Prepare: SES stored the report, but the intake cannot read it: the object is archived, so
    // S3 answers GetObject with InvalidObjectState, a storage failure the intake does not swallow.
    const subject = `Replayed report ${uniqueMessageId()}`;
    const key = newInboundObjectKey();
    const raw = composeMail({ from: uniqueSender(), messageId: uniqueMessageId(), subject });
    await s3.send(new PutObjectCommand({ Bucket: LOCAL_INBOUND_BUCKET, Key: key, Body: raw, StorageClass: 'GLACIER' }));

    // Act 1: S3's event reaches receiveSecurityMail (the local Lambda invoke port, as `mail receive` uses it)
    const event = s3ObjectCreatedEvent(LOCAL_INBOUND_BUCKET, key, raw.byteLength, state.region);
    const failed = await lambda.send(new InvokeCommand({ FunctionName: `helpshelf-local-${INBOUND_FUNCTION}`, Payload: Buffer.from(JSON.stringify(event)) }));

    // Assess 1: the processing failed (on AWS the event would go to the inbox failures queue) and opened nothing
    expect(failed.FunctionError).toBeDefined();
    expect(Buffer.from(failed.Payload ?? []).toString('utf8')).toMatch(/InvalidObjectState/);
    expect(await incidentsAbout(subject)).toEqual([]);

    // Act 2: the cause is fixed (the object restored; poll its state with a deadline), then the
    // runbook's replay runs, twice (a second engineer following the same alarm)
    await s3.send(new RestoreObjectCommand({ Bucket: LOCAL_INBOUND_BUCKET, Key: key, RestoreRequest: { Days: 1 } }));
    await until('object restored', async () => (await s3.send(new HeadObjectCommand({ Bucket: LOCAL_INBOUND_BUCKET, Key: key }))).Restore ?? '', (restore) => restore.includes('ongoing-request="false"'));
    const first = await cli('mail', 'replay', '--key', key, '--reason', 'INC-2041 inbox failures alarm');
    const second = await cli('mail', 'replay', '--key', key, '--reason', 'INC-2041 inbox failures alarm');

    // Assess 2: one incident, the same answer both times, and both replays in the audit log
    expect(first).toEqual({ objectKey: key, outcome: 'created', incidentId: expect.stringMatching(/^inc_/) });
    expect(second).toEqual(first);
    expect(await incidentsAbout(subject)).toEqual([expect.objectContaining({ id: first.incidentId, source: 'email' })]);
    const { entries } = await cli('audit', 'list');
    expect(entries.filter((e: { action: string; subject: string }) => e.action === 'mail.replay' && e.subject === key)).toHaveLength(2);
  }, 180_000);

  it('refuses a replay without a reason, or of a key outside the inbound messages, changing nothing', async () => {
    const key = newInboundObjectKey();
    const noReason = await opsCli(['mail', 'replay', '--key', key]);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toMatch(/--reason/);
    const outside = await opsCli(['mail', 'replay', '--key', 'attachments/inc_x/1-poc.txt', '--reason', 'INC-2041 inbox failures alarm']);
    expect(outside.code).toBe(1);
    expect(outside.stderr).toMatch(/invalid_key|inbound/);
    const { entries } = await cli('audit', 'list');
    expect(entries.filter((e: { subject: string }) => e.subject === key || e.subject === 'attachments/inc_x/1-poc.txt')).toEqual([]);
  }, 120_000);
});
