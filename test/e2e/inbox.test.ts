import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { composeMail, EMAIL_FIXTURES, uniqueMessageId, uniqueSender } from '../support/inbox';
import { opsCli } from '../support/ops';
import { registerSecret } from '../support/secrets-registry';

// The security inbox as a new user meets it: the running local stage, `mail receive` delivering
// .eml files through the inbound bucket and the Lambda invoke port, every other step through the
// real ops CLI.
describe('security inbox, through the ops CLI against the local stage', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'h12-inbox-'));
  const file = (name: string, raw: Buffer) => {
    const p = path.join(dir, name);
    writeFileSync(p, raw);
    return p;
  };
  const cli = async (...args: string[]) => {
    const result = await opsCli([...args, '--json']);
    if (result.code !== 0) throw new Error(`ops ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
    return result.json;
  };
  const mailFor = async (address: string) => {
    const { messages } = (await cli('mail', 'list', '--to', address)) as { messages: Array<{ id: string; subject: string; body: string; headers?: Record<string, string> }> };
    for (const m of messages) for (const token of m.body.match(/hsi_[A-Za-z0-9_-]+/g) ?? []) registerSecret(token, 'tracking token');
    return messages;
  };

  it('receive a report, list it, answer the reply, show both messages with their files, ack, update: the reporter gets the ack and the update by mail', async () => {
    // Prepare
    const reporter = uniqueSender();
    const report = file('report.eml', composeMail({ from: reporter, messageId: uniqueMessageId(), subject: 'Account takeover via reset link', attachments: [{ name: 'poc.txt', contentType: 'text/plain', content: Buffer.from('curl ...') }] }));

    // Act 1: a report arrives
    const received = await cli('mail', 'receive', '--file', report);
    expect(received).toEqual({ outcome: 'created', incidentId: expect.stringMatching(/^inc_/) });
    const id = received.incidentId as string;
    const { incidents } = await cli('incidents', 'list', '--status', 'received');
    expect(incidents.find((i: { id: string }) => i.id === id)).toMatchObject({ summary: 'Account takeover via reset link', source: 'email' });

    // Act 2: the acknowledgement, and a reply to it with a second file
    const [receipt] = await mailFor(reporter);
    expect(receipt.subject).toContain(id);
    expect(receipt.body).toContain(`/security/report/status?id=${id}`);
    const reply = file('reply.eml', composeMail({ from: reporter, subject: `Re: ${receipt.subject}`, inReplyTo: `<${receipt.id}@eu-west-1.amazonses.com>`, text: 'A screenshot too.', attachments: [{ name: 'screenshot.png', contentType: 'image/png', content: Buffer.from('png') }] }));
    expect(await cli('mail', 'receive', '--file', reply)).toEqual({ outcome: 'appended', incidentId: id });

    // Assess: one incident, two reporter messages, both files by name (JSON and the human format)
    const shown = await cli('incidents', 'show', id);
    expect(shown.messages).toHaveLength(2);
    expect(shown.attachments.map((a: { name: string }) => a.name)).toEqual(['poc.txt', 'screenshot.png']);
    const human = await opsCli(['incidents', 'show', id]);
    expect(human.stdout).toMatch(/Reporter messages \(2\)/);
    expect(human.stdout).toMatch(/screenshot\.png \(image\/png, 3 bytes\): stored at attachments\//);

    // Act 3: ack and a public update
    await cli('incidents', 'ack', id, '--contact', 'Ada Lovelace');
    await cli('incidents', 'update', id, '--message', 'We reproduced it and are fixing it.', '--public');
    const subjects = (await mailFor(reporter)).map((m) => m.subject);
    expect(subjects).toEqual(expect.arrayContaining([`We received your report ${id}`, `Your report ${id} has been acknowledged`, `Update on your report ${id}`]));
    // Each CLI call is a process, and serverless-offline loads a function on its first call.
  }, 180_000);

  it('a bounce fixture is recorded as ignored and listed by mail ignored; an unreadable one still opens an incident', async () => {
    const bounce = await cli('mail', 'receive', '--file', path.join(EMAIL_FIXTURES, 'multipart_report_emails_report_530.eml'));
    expect(bounce).toEqual({ outcome: 'ignored', reason: 'mailer_daemon' });
    const { messages } = await cli('mail', 'ignored', '--reason', 'INC-2041 bounce check');
    // Senders' addresses need a reason, as a customer's record does.
    const refused = await opsCli(['mail', 'ignored']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/--reason/);
    expect(messages[0]).toMatchObject({ reason: 'mailer_daemon', from: 'mailer-daemon@tttttt.com.au' });
    const broken = await cli('mail', 'receive', '--file', path.join(EMAIL_FIXTURES, 'error_emails_bad_encoded_subject.eml'));
    expect(broken.outcome).toBe('created');
    expect((await cli('incidents', 'show', broken.incidentId)).flags).toContain('parse_problem');
  }, 120_000);

  it('refuses a file that does not exist, with one line and status 1', async () => {
    const result = await opsCli(['mail', 'receive', '--file', path.join(dir, 'missing.eml')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Cannot read .*missing\.eml/);
  });
});
