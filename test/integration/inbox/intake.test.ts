import { randomUUID } from 'node:crypto';
import { HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { emulatorDocumentClient } from '../../../scripts/lib/emulator-clients';
import { EMULATOR_REGION } from '../../../scripts/lib/emulator';
import { INCIDENTS_TABLE } from '../../support/incidents';
import {
  composeMail,
  deliverInProcess,
  emailFixtures,
  LOCAL_INBOUND_BUCKET,
  redeliverInProcess,
  SECURITY_INBOX,
  sesVerdictHeaders,
  uniqueMessageId,
  uniqueSender,
} from '../../support/inbox';
import { mailTo, sentMail } from '../../support/mail';
import { auditStore } from '../../../lib/audit';
import { documentClient } from '../../../lib/platform/aws/dynamodb';
import { receivedKey } from '../../../lib/inbox/dynamo-inbox-records';
import { newIncidentId } from '../../../lib/incidents/tracking-tokens';
import { denyAuditWrites, invokeOps, opsResult } from '../../support/ops';
import { registerSecret } from '../../support/secrets-registry';

// The security inbox through its real path, in-process: the raw message stored in the emulator's
// inbound bucket, then the real receiveSecurityMail handler run on the S3 ObjectCreated event.

const TEAM = 'security@helpshelf.test';
const s3 = () => new S3Client({ region: EMULATOR_REGION, endpoint: process.env.HELPSHELF_TEST_EMULATOR, forcePathStyle: true, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const show = (id: string) => opsResult<any>('opsIncidents', 'show', { id });

async function inboxItems(filter: string, values: Record<string, unknown>) {
  const out = await emulatorDocumentClient(process.env.HELPSHELF_TEST_EMULATOR!).send(new ScanCommand({ TableName: INCIDENTS_TABLE, FilterExpression: filter, ExpressionAttributeValues: values }));
  return (out.Items ?? []) as Array<Record<string, unknown>>;
}

async function objectsUnder(prefix: string): Promise<string[]> {
  const out = await s3().send(new ListObjectsV2Command({ Bucket: LOCAL_INBOUND_BUCKET, Prefix: prefix }));
  return (out.Contents ?? []).map((o) => o.Key!);
}

/** The acknowledgement a sender got: its transport id is what a reply's In-Reply-To names. */
async function acknowledgementTo(sender: string) {
  const mails = (await mailTo(sender)).filter((m) => /We received your report/.test(m.subject));
  for (const m of mails) for (const token of m.body.match(/hsi_[A-Za-z0-9_-]+/g) ?? []) registerSecret(token, 'tracking token');
  return mails;
}

describe('security inbox: every real-world fixture', () => {
  const fixtures = emailFixtures();

  it('when each fixture is delivered, it ends as an incident or an ignored record; none is lost, none throws', async () => {
    const seen: Record<string, { outcome: string; reason?: string; incidentId?: string }> = {};
    for (const { name, raw } of fixtures) {
      // Act
      const result = await deliverInProcess(raw);
      seen[name] = result;
      // Assess: a record of the outcome exists for every object
      if (result.outcome === 'created' || result.outcome === 'appended') {
        const incident = await show(result.incidentId!);
        expect(incident.source).toBe('email');
        expect(incident.messages.some((m: { rawMessageKey?: string }) => m.rawMessageKey === result.objectKey)).toBe(true);
      } else {
        expect(await inboxItems('objectKey = :k AND outcome = :o', { ':k': result.objectKey, ':o': 'ignored' })).toHaveLength(1);
      }
      // The raw message stays in the bucket whatever happened.
      expect(await objectsUnder(result.objectKey)).toEqual([result.objectKey]);
    }
    expect(Object.keys(seen)).toHaveLength(fixtures.length);
    expect(seen['multipart_report_emails_multi_address_bounce1.eml']).toMatchObject({ outcome: 'ignored', reason: 'mailer_daemon' });
    expect(seen['multipart_report_emails_report_530.eml']).toMatchObject({ outcome: 'ignored', reason: 'mailer_daemon' });
    // Two fixtures share one Message-ID: the second is the same message, received again.
    expect(seen['attachment_emails_attachment_nonascii_filename.eml']).toMatchObject({ outcome: 'ignored', reason: 'duplicate', incidentId: seen['attachment_emails_attachment_message_rfc822.eml'].incidentId });
    expect(seen['plain_emails_basic_email.eml'].outcome).toBe('created');
  });

  it('when a fixture has no From at all, the incident opens with a parse_problem and nothing is mailed', async () => {
    const before = (await sentMail()).length;
    const { raw } = fixtures.find((f) => f.name === 'error_emails_bad_encoded_subject.eml')!;
    const result = await deliverInProcess(Buffer.concat([Buffer.from(`Message-ID: ${uniqueMessageId()}\r\n`), raw]));
    expect(result.outcome).toBe('created');
    const incident = await show(result.incidentId!);
    expect(incident).toMatchObject({ email: '', flags: expect.arrayContaining(['parse_problem']) });
    expect(incident.timeline[0].message).toMatch(/no_sender/);
    const newMail = (await sentMail()).slice(before);
    expect(newMail.map((m) => m.to)).toEqual([[TEAM]]);
  });

  it('when a quoted "From:" line sits in the body, the sender is still the one From header', async () => {
    const { raw } = fixtures.find((f) => f.name === 'mime_emails_two_from_in_message.eml')!;
    const before = (await acknowledgementTo('tester1@test.com')).length;
    const text = raw.toString('latin1').replace(/^Message-ID: .*$/im, `Message-ID: ${uniqueMessageId()}`);
    const result = await deliverInProcess(Buffer.from(text, 'latin1'));
    expect((await show(result.incidentId!)).email).toBe('tester1@test.com');
    expect(await acknowledgementTo('tester1@test.com')).toHaveLength(before + 1);
  });

  it('when a message has two From headers, nobody is mailed and the team sees ambiguous_sender', async () => {
    const [first, second] = [uniqueSender('first'), uniqueSender('second')];
    const result = await deliverInProcess(composeMail({ from: first, headers: [`From: Second <${second}>`] }));
    const incident = await show(result.incidentId!);
    expect(incident).toMatchObject({ email: '', flags: expect.arrayContaining(['parse_problem']) });
    expect(incident.timeline[0].message).toMatch(/ambiguous_sender/);
    expect([...(await mailTo(first)), ...(await mailTo(second))]).toEqual([]);
  });

  it('lists the attachments of a fixture by their decoded names, stored KMS-encrypted next to the incident', async () => {
    const { raw } = fixtures.find((f) => f.name === 'attachment_emails_attachment_pdf.eml')!;
    const text = raw.toString('latin1').replace(/^Message-ID: .*$/im, `Message-ID: ${uniqueMessageId()}`);
    const result = await deliverInProcess(Buffer.from(text, 'latin1'));
    const incident = await show(result.incidentId!);
    expect(incident.summary).toBe('Another PDF with 🎉 Unicode chars in it 🍿');
    expect(incident.attachments).toEqual([expect.objectContaining({ name: 'broken.pdf', contentType: 'application/pdf', key: expect.stringMatching(new RegExp(`^attachments/${result.incidentId}/`)) })]);
    const head = await s3().send(new HeadObjectCommand({ Bucket: LOCAL_INBOUND_BUCKET, Key: incident.attachments[0].key }));
    expect(head.ServerSideEncryption).toBe('aws:kms');
  });
});

describe('security inbox: new reports and replies', () => {
  it('when a report arrives, the incident opens and the acknowledgement is a reply carrying the id and the tracking link', async () => {
    // Prepare
    const sender = uniqueSender();
    const messageId = uniqueMessageId();
    // Act
    const result = await deliverInProcess(composeMail({ from: sender, messageId, subject: 'SQL injection in search', text: 'The q parameter is not escaped.' }));
    // Assess
    expect(result).toMatchObject({ outcome: 'created', incidentId: expect.stringMatching(/^inc_/) });
    const incident = await show(result.incidentId!);
    expect(incident).toMatchObject({ status: 'received', scope: 'security', email: sender, summary: 'SQL injection in search', details: 'The q parameter is not escaped.', source: 'email' });
    const [ack] = await acknowledgementTo(sender);
    expect(ack.subject).toContain(result.incidentId);
    expect(ack.headers).toMatchObject({ 'In-Reply-To': messageId, 'Auto-Submitted': 'auto-replied', 'Reply-To': SECURITY_INBOX });
    expect(ack.headers!.References).toContain(messageId);
    expect(ack.body).toContain(`http://localhost:3000/security/report/status?id=${result.incidentId}`);
    expect(ack.body).toMatch(/Tracking token:\s+hsi_/);
    expect(await mailTo(TEAM).then((m) => m.filter((x) => x.subject.includes(result.incidentId!)))).toHaveLength(1);
  });

  it('when the reporter replies to the acknowledgement with a file, one incident holds both messages and the team is told', async () => {
    // Prepare
    const sender = uniqueSender();
    const first = await deliverInProcess(composeMail({ from: sender, attachments: [{ name: 'first.txt', contentType: 'text/plain', content: Buffer.from('one') }] }));
    const [ack] = await acknowledgementTo(sender);
    // Act: a reply as a mail client writes it, In-Reply-To naming SES's Message-ID of the acknowledgement
    const reply = await deliverInProcess(
      composeMail({ from: sender, subject: 'Re: more', inReplyTo: `<${ack.id}@eu-west-1.amazonses.com>`, text: 'Here is a second proof.', attachments: [{ name: 'second.png', contentType: 'image/png', content: Buffer.from('png') }] }),
    );
    // Assess
    expect(reply).toEqual(expect.objectContaining({ outcome: 'appended', incidentId: first.incidentId }));
    const incident = await show(first.incidentId!);
    expect(incident.messages.map((m: { text: string }) => m.text)).toEqual([expect.stringContaining('Steps to reproduce'), 'Here is a second proof.']);
    expect(incident.attachments.map((a: { name: string }) => a.name)).toEqual(['first.txt', 'second.png']);
    expect((await mailTo(TEAM)).filter((m) => m.subject === `The reporter of ${first.incidentId} wrote again`)).toHaveLength(1);
    expect(await acknowledgementTo(sender)).toHaveLength(1); // no second acknowledgement
  });

  it('when a reply names the incident only in its subject or its security+<id>@ address, it joins that incident', async () => {
    const sender = uniqueSender();
    const { incidentId } = await deliverInProcess(composeMail({ from: sender }));
    const bySubject = await deliverInProcess(composeMail({ from: sender, subject: `Re: We received your report ${incidentId}` }));
    const byAddress = await deliverInProcess(composeMail({ from: sender.toUpperCase(), to: `security+${incidentId}@helpshelf.test`, subject: 'one more thing' }));
    expect([bySubject, byAddress].map((r) => [r.outcome, r.incidentId])).toEqual([
      ['appended', incidentId],
      ['appended', incidentId],
    ]);
    expect((await show(incidentId!)).messages).toHaveLength(3);
  });

  it("when someone else replies with the incident's id, a new incident opens instead of joining the reporter's", async () => {
    const { incidentId } = await deliverInProcess(composeMail({ from: uniqueSender('owner') }));
    const intruder = uniqueSender('intruder');
    const result = await deliverInProcess(composeMail({ from: intruder, subject: `Re: ${incidentId}`, text: 'Let me in' }));
    expect(result.outcome).toBe('created');
    expect(result.incidentId).not.toBe(incidentId);
    expect((await show(incidentId!)).messages).toHaveLength(1);
  });
});

describe('security inbox: what opens nothing and is never answered', () => {
  const cases: Array<[string, string[], string]> = [
    ['an out-of-office reply (Auto-Submitted: auto-replied)', ['Auto-Submitted: auto-replied'], 'auto_reply'],
    ['a vacation notice (X-Autoreply)', ['X-Autoreply: yes'], 'auto_reply'],
    ['an Exchange OOF (X-Auto-Response-Suppress: All)', ['X-Auto-Response-Suppress: All'], 'auto_reply'],
    ['bulk mail (Precedence: bulk)', ['Precedence: bulk'], 'auto_reply'],
    ['list traffic (List-Id)', ['List-Id: <announce.lists.example.test>', 'List-Unsubscribe: <mailto:leave@example.test>'], 'mailing_list'],
    ['a null return path (a bounce)', ['Return-Path: <>'], 'bounce'],
  ];

  it.each(cases)('when %s arrives, it is recorded as ignored and nobody is mailed', async (_name, headers, reason) => {
    const sender = uniqueSender();
    const before = (await sentMail()).length;
    const result = await deliverInProcess(composeMail({ from: sender, headers }));
    expect(result).toMatchObject({ outcome: 'ignored', reason });
    expect(await inboxItems('objectKey = :k', { ':k': result.objectKey })).toEqual([expect.objectContaining({ outcome: 'ignored', reason, from: sender })]);
    expect((await sentMail()).slice(before)).toEqual([]);
  });

  it('when mail from postmaster arrives, or our own acknowledgement comes back, no loop can start', async () => {
    const before = (await sentMail()).length;
    const daemon = await deliverInProcess(composeMail({ from: 'postmaster@example.test' }));
    const ours = await deliverInProcess(composeMail({ from: 'no-reply@helpshelf.test', subject: 'We received your report inc_AAAAAAAAAAAAAAAA' }));
    expect([daemon.reason, ours.reason]).toEqual(['mailer_daemon', 'own_mail']);
    expect((await sentMail()).slice(before)).toEqual([]);
  });
});

describe('security inbox: receipt verdicts', () => {
  it('when DMARC failed, the incident opens flagged unverified_sender and nothing is ever mailed to the claimed sender', async () => {
    // Prepare: the attacker also wrote a passing verdict lower down; only SES's topmost one counts
    const victim = uniqueSender('victim');
    const raw = composeMail({ from: victim, headers: [...sesVerdictHeaders({ dmarc: 'fail', spf: 'fail' }), 'Authentication-Results: amazonses.com; spf=pass; dkim=pass; dmarc=pass'] });
    // Act
    const result = await deliverInProcess(raw);
    const ack = await opsResult<{ reporterNotified: boolean }>('opsIncidents', 'ack', { id: result.incidentId, contact: 'Ada' });
    const update = await opsResult<{ reporterNotified: boolean }>('opsIncidents', 'update', { id: result.incidentId, message: 'We are on it', public: true });
    // Assess
    expect(result.outcome).toBe('created');
    expect((await show(result.incidentId!)).flags).toContain('unverified_sender');
    expect([ack.reporterNotified, update.reporterNotified]).toEqual([false, false]);
    expect(await mailTo(victim)).toEqual([]);
    expect((await mailTo(TEAM)).find((m) => m.subject.includes(result.incidentId!))?.body).toMatch(/unverified_sender/);
  });

  it('when a spoofed reply names a real incident, it does not join it', async () => {
    const reporter = uniqueSender();
    const { incidentId } = await deliverInProcess(composeMail({ from: reporter, headers: sesVerdictHeaders() }));
    const forged = await deliverInProcess(composeMail({ from: reporter, subject: `Re: ${incidentId}`, headers: sesVerdictHeaders({ dkim: 'fail', dmarc: 'fail' }) }));
    expect(forged.outcome).toBe('created');
    expect(forged.incidentId).not.toBe(incidentId);
  });

  it('when the virus verdict is FAIL, the attachments are dropped and listed, and the incident is flagged', async () => {
    const result = await deliverInProcess(
      composeMail({ headers: sesVerdictHeaders({ virus: 'FAIL' }), attachments: [{ name: 'invoice.exe', contentType: 'application/octet-stream', content: Buffer.from('MZ') }] }),
    );
    const incident = await show(result.incidentId!);
    expect(incident.flags).toEqual(expect.arrayContaining(['virus_found', 'attachments_dropped']));
    expect(incident.attachments).toEqual([expect.objectContaining({ name: 'invoice.exe', dropped: 'virus_found' })]);
    expect(await objectsUnder(`attachments/${result.incidentId}/`)).toEqual([]);
  });

  it('when a message has more attachments than the limit, the extra ones are listed as dropped', async () => {
    const attachments = Array.from({ length: 11 }, (_, i) => ({ name: `shot-${i + 1}.png`, contentType: 'image/png', content: Buffer.from(`png ${i}`) }));
    const result = await deliverInProcess(composeMail({ attachments }));
    const incident = await show(result.incidentId!);
    expect(incident.attachments.filter((a: { key?: string }) => a.key)).toHaveLength(10);
    expect(incident.attachments[10]).toMatchObject({ name: 'shot-11.png', dropped: 'too_many' });
    expect(await objectsUnder(`attachments/${result.incidentId}/`)).toHaveLength(10);
  });
});

describe('security inbox: duplicates and floods', () => {
  it('when the same message arrives under five object keys at once, one incident opens and the others name it', async () => {
    const raw = composeMail({ from: uniqueSender(), messageId: uniqueMessageId() });
    const results = await Promise.all(Array.from({ length: 5 }, () => deliverInProcess(raw)));
    const created = results.filter((r) => r.outcome === 'created');
    expect(created).toHaveLength(1);
    expect(results.filter((r) => r.outcome === 'ignored')).toEqual(Array.from({ length: 4 }, () => expect.objectContaining({ reason: 'duplicate' })));
    const incidents = await inboxItems('entity = :e AND email = :m', { ':e': 'incident', ':m': (await show(created[0].incidentId!)).email });
    expect(incidents).toHaveLength(1);
  });

  it('when the same S3 event is delivered again, it answers the first outcome and opens nothing new', async () => {
    const raw = composeMail({ messageId: null });
    const first = await deliverInProcess(raw);
    const again = await redeliverInProcess(first.objectKey, raw.byteLength);
    expect(again).toEqual(first);
    expect(await inboxItems('entity = :e AND rawMessageKey = :k', { ':e': 'incident', ':k': first.objectKey })).toHaveLength(1);
  });

  it('when one sender floods the inbox, messages past the limit are ignored as rate_limited, kept, and the team is told once', async () => {
    const sender = uniqueSender('flood');
    const results = [];
    for (let i = 0; i < 12; i += 1) results.push(await deliverInProcess(composeMail({ from: sender, subject: `flood ${i} ${randomUUID()}` })));
    expect(results.slice(0, 10).every((r) => r.outcome === 'created')).toBe(true);
    expect(results.slice(10)).toEqual([expect.objectContaining({ outcome: 'ignored', reason: 'rate_limited' }), expect.objectContaining({ outcome: 'ignored', reason: 'rate_limited' })]);
    for (const r of results.slice(10)) expect(await objectsUnder(r.objectKey)).toEqual([r.objectKey]);
    const notices = (await mailTo(TEAM)).filter((m) => m.subject === 'Security inbox: a sender reached the rate limit' && m.body.includes(sender));
    expect(notices).toHaveLength(1);
  });
});

describe('mail ignored (ops): senders\' addresses need a reason, and the access is audited before the read', () => {
  const ignoredEntries = async (reason: string) => {
    const found: Array<{ reason?: string }> = [];
    for await (const entry of auditStore().all()) if (entry.action === 'incidents.inbox-ignored' && entry.reason === reason) found.push(entry);
    return found;
  };

  it.each([
    ['no reason', undefined, 'reason_required'],
    ['a reason without a reference', 'checking the bounces', 'reason_too_vague'],
  ])('when given %s, it refuses with a 400 and lists nothing', async (_label, reason, code) => {
    const sender = uniqueSender();
    await deliverInProcess(composeMail({ from: sender, headers: ['Precedence: bulk'] }));
    const outcome = await invokeOps('opsIncidents', 'ignored', reason === undefined ? {} : { reason });
    expect(outcome).toMatchObject({ ok: false, error: { status: 400, code } });
    expect(JSON.stringify(outcome)).not.toContain(sender);
  });

  it('with a ticket reference, it audits the access (with the reason), then lists the senders', async () => {
    const sender = uniqueSender();
    await deliverInProcess(composeMail({ from: sender, headers: ['Precedence: bulk'] }));
    const reason = `ticket ${Date.now() % 1_000_000_000}`;
    const outcome = await invokeOps('opsIncidents', 'ignored', { reason, limit: 500 });
    expect(outcome.ok).toBe(true);
    expect(JSON.stringify(outcome)).toContain(sender);
    expect(await ignoredEntries(reason)).toHaveLength(1);
  });

  it('when the audit log cannot be written, the ignored records are never read', async () => {
    const spy = denyAuditWrites(documentClient);
    try {
      const outcome = await invokeOps('opsIncidents', 'ignored', { reason: 'INC-2041' });
      expect(outcome).toMatchObject({ ok: false, error: { status: 500 } });
      const inboxReads = spy.mock.calls.filter(([c]) => (c as { input?: { IndexName?: string; TableName?: string } }).input?.TableName === INCIDENTS_TABLE && (c as { constructor: { name: string } }).constructor.name === 'QueryCommand');
      expect(inboxReads).toHaveLength(0);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('issue 21: a message is from its From address only when the receipt binds it, and no report is lost', () => {
  // SPF and DKIM pass for the attacker's own domain; DMARC none for the claimed From domain.
  const forgedVerdicts = (claimedDomain: string) => [
    'X-SES-Spam-Verdict: PASS',
    'X-SES-Virus-Verdict: PASS',
    `Authentication-Results: amazonses.com; spf=pass (spfCheck: domain of attacker.example designates 192.0.2.9 as permitted sender) smtp.mailfrom=bounce@attacker.example; dkim=pass header.i=@attacker.example; dmarc=none header.from=${claimedDomain};`,
  ];

  it('when ten forged messages "from" a researcher arrive first, the researcher\'s real report still opens an incident and is acknowledged', async () => {
    const researcher = uniqueSender('researcher');
    for (let i = 0; i < 10; i += 1) {
      const forged = await deliverInProcess(composeMail({ from: researcher, subject: `forged ${i} ${randomUUID()}`, headers: forgedVerdicts('example.test') }));
      expect(forged.outcome).toBe('created');
      expect((await show(forged.incidentId!)).flags).toContain('unverified_sender');
    }
    expect(await acknowledgementTo(researcher)).toEqual([]);

    const real = await deliverInProcess(composeMail({ from: researcher, subject: 'The real report', headers: sesVerdictHeaders() }));

    expect(real).toMatchObject({ outcome: 'created' });
    expect((await show(real.incidentId!)).flags ?? []).not.toContain('unverified_sender');
    expect(await acknowledgementTo(researcher)).toHaveLength(1);
  });

  it('when a message passes SPF and DKIM only for the attacker\'s domain, it does not join the reporter\'s incident and nobody is mailed', async () => {
    const reporter = uniqueSender();
    const { incidentId } = await deliverInProcess(composeMail({ from: reporter, headers: sesVerdictHeaders() }));
    const mailsBefore = (await mailTo(reporter)).length;

    const forged = await deliverInProcess(composeMail({ from: reporter, subject: `Re: ${incidentId}`, text: 'Please send the details to me here', headers: forgedVerdicts('example.test') }));

    expect(forged.outcome).toBe('created');
    expect(forged.incidentId).not.toBe(incidentId);
    expect((await show(incidentId!)).messages).toHaveLength(1);
    expect((await show(forged.incidentId!)).flags).toContain('unverified_sender');
    expect(await mailTo(reporter)).toHaveLength(mailsBefore);
  });

  it('when one sender uses plus-addressing, every tag spends the same budget', async () => {
    const [local, domain] = uniqueSender('plus').split('@');
    const results = [];
    for (let i = 0; i < 11; i += 1) results.push(await deliverInProcess(composeMail({ from: `${local}+${i}@${domain}`, subject: `tag ${i} ${randomUUID()}`, headers: sesVerdictHeaders() })));
    expect(results.slice(0, 10).every((r) => r.outcome === 'created')).toBe(true);
    expect(results[10]).toMatchObject({ outcome: 'ignored', reason: 'rate_limited' });
  });

  it('when attachments carry a content type with a control character or of 9 KB, the report opens, the files are stored as application/octet-stream, and the incident says so', async () => {
    const sender = uniqueSender();
    const raw = composeMail({
      from: sender,
      attachments: [
        { name: 'poc.txt', contentType: 'text/plain\u0001x', content: Buffer.from('proof one') },
        { name: 'big.bin', contentType: `application/x-${'a'.repeat(9 * 1024)}`, content: Buffer.from('proof two') },
        { name: 'shot.png', contentType: 'image/png', content: Buffer.from('png') },
      ],
    });

    const result = await deliverInProcess(raw);

    expect(result.outcome).toBe('created');
    const incident = await show(result.incidentId!);
    expect(incident.flags).toContain('parse_problem');
    expect(incident.attachments).toEqual([
      expect.objectContaining({ name: 'poc.txt', contentType: 'application/octet-stream', key: expect.any(String) }),
      expect.objectContaining({ name: 'big.bin', contentType: 'application/octet-stream', key: expect.any(String) }),
      expect.objectContaining({ name: 'shot.png', contentType: 'image/png', key: expect.any(String) }),
    ]);
    expect(await objectsUnder(`attachments/${result.incidentId}/`)).toHaveLength(3);
    const stored = await s3().send(new HeadObjectCommand({ Bucket: LOCAL_INBOUND_BUCKET, Key: incident.attachments[0].key }));
    expect(stored.ContentType).toBe('application/octet-stream');
    expect(await acknowledgementTo(sender)).toHaveLength(1);
  });

  it('when a claim never finished (its run failed for good), the message arriving again under another key opens the incident under that claim, once', async () => {
    // Prepare: the record a run leaves when it claimed the message and then failed on every attempt.
    const messageId = uniqueMessageId();
    const claimedIncident = newIncidentId();
    const dedupeKey = `id:${messageId}`;
    await documentClient.send(
      new PutCommand({
        TableName: INCIDENTS_TABLE,
        Item: { ...receivedKey(dedupeKey), entity: 'inbox-message', dedupeKey, objectKey: 'inbound/a-run-that-failed', incidentId: claimedIncident, outcome: 'processing', receivedAt: new Date(Date.now() - 10 * 60_000).toISOString() },
      }),
    );
    const raw = composeMail({ from: uniqueSender(), messageId });

    // Act: redelivered (a new object), then once more
    const again = await deliverInProcess(raw);
    const third = await deliverInProcess(raw);

    // Assess
    expect(again).toMatchObject({ outcome: 'created', incidentId: claimedIncident });
    expect(third).toMatchObject({ outcome: 'ignored', reason: 'duplicate', incidentId: claimedIncident });
    expect(await inboxItems('entity = :e AND id = :i', { ':e': 'incident', ':i': claimedIncident })).toHaveLength(1);
    expect((await mailTo(TEAM)).filter((m) => m.subject.includes(claimedIncident))).toHaveLength(1);
  });
});
