import { readFileSync } from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { parseMessage, validMessageId } from '../../../lib/inbox/parse';
import { composeRawMail } from '../../../lib/platform/mailer';
import { EMAIL_FIXTURES } from '../../support/inbox';

const fixture = (name: string) => readFileSync(path.join(EMAIL_FIXTURES, name));

describe('parseMessage (mailparser)', () => {
  it('decodes encoded-word subjects and legacy charsets', async () => {
    const korean = await parseMessage(fixture('plain_emails_raw_email.eml'));
    expect(korean.subject).toBe('NOTE: 한국말로 하는 것');
    expect(korean.text).toContain('제 이름은 Jamis입니다.');
    const japanese = await parseMessage(fixture('multi_charset_japanese_iso_2022.eml'));
    expect([japanese.subject, japanese.text.trim()]).toEqual(['まみむめも', 'すみません。']);
  });

  it('keeps every header line in order, names attachments, and reads the top-level type', async () => {
    const m = await parseMessage(fixture('attachment_emails_attachment_pdf.eml'));
    expect(m.headers[0].name).toBe('return-path');
    expect(m.attachments.map((a) => [a.filename, a.contentType, a.size])).toEqual([['broken.pdf', 'application/pdf', 1026]]);
    expect(m.contentType).toBe('multipart/mixed');
    expect(m.messageId).toBe('<xxxx@xxxx.com>');
  });

  it('counts From header lines and lists In-Reply-To/References ids once each', async () => {
    const m = await parseMessage(fixture('mime_emails_two_from_in_message.eml'));
    expect(m.fromHeaderCount).toBe(1);
    expect(m.referencedIds).toEqual(['<8fc5086d0912020131y377ba0ccpf8f14783cfc3014a@test.com>']);
  });

  it('turns HTML into text when there is no text part', async () => {
    const raw = Buffer.from('From: a@x.test\r\nSubject: h\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Hello <b>there</b></p><script>x()</script>\r\n');
    expect((await parseMessage(raw)).text.trim()).toBe('Hello there');
  });

  it('reads a message with no From and a broken encoded subject without throwing', async () => {
    const m = await parseMessage(fixture('error_emails_bad_encoded_subject.eml'));
    expect([m.from, m.messageId, m.text.trim()]).toEqual([[], null, 'TEST']);
  });

  it('names an unknown charset as a problem (mailparser leaves replacement characters) and keeps what it could read', async () => {
    const raw = Buffer.from('From: a@x.test\r\nSubject: s\r\nContent-Type: text/plain; charset=x-klingon\r\n\r\nHello \xe9\xe8 world\r\n', 'latin1');
    const m = await parseMessage(raw);
    expect(m.problems).toEqual(['undecodable_characters']);
    expect(m.text).toMatch(/^Hello .* world/);
  });

  it('accepts only well-formed Message-IDs (they go back out in our headers)', () => {
    expect(validMessageId('<a.b@c.test>')).toBe('<a.b@c.test>');
    expect(validMessageId('a.b@c.test')).toBe('<a.b@c.test>');
    expect(['<a@b>\r\nBcc: x@y.test', '<no-at-sign>', '<a b@c.test>', '', 42].map(validMessageId)).toEqual([null, null, null, null, null]);
  });
});

describe('composeRawMail', () => {
  const from = 'HelpShelf <no-reply@helpshelf.test>';

  it('writes a reply mailparser reads back: threading headers, RFC 3834 marker, UTF-8 text and subject', async () => {
    const raw = composeRawMail(from, { to: 'r@x.test', subject: 'Réponse inc_1', text: 'Bonjour — ça marche.\n\nLine 3', replyTo: 'security@helpshelf.test', inReplyTo: '<m2@x.test>', references: ['<m1@x.test>', '<m2@x.test>'], autoReply: true });
    const parsed = await simpleParser(raw);
    expect(parsed.subject).toBe('Réponse inc_1');
    expect(parsed.text?.trim()).toBe('Bonjour — ça marche.\n\nLine 3');
    expect(parsed.inReplyTo).toBe('<m2@x.test>');
    expect(parsed.references).toEqual(['<m1@x.test>', '<m2@x.test>']);
    expect(parsed.headers.get('auto-submitted')).toBe('auto-replied');
    expect(parsed.replyTo?.text).toBe('security@helpshelf.test');
  });

  it('refuses a line break in a header and a malformed thread id, so no header can be injected', () => {
    expect(() => composeRawMail(from, { to: 'r@x.test\r\nBcc: v@x.test', subject: 's', text: 't' })).toThrow(/line break in the To header/);
    expect(() => composeRawMail(from, { to: 'r@x.test', subject: 's', text: 't', inReplyTo: '<a@b>\r\nBcc: v@x.test' })).toThrow(/malformed Message-ID/);
  });

  it('encodes a subject with a line break as one encoded word instead of a second header', async () => {
    const parsed = await simpleParser(composeRawMail(from, { to: 'r@x.test', subject: 's\r\nBcc: v@x.test', text: 't' }));
    expect(parsed.bcc).toBeUndefined();
    expect(parsed.headerLines.filter((l) => l.key === 'subject')).toHaveLength(1);
  });

  it('keeps the body out of the header section whatever it contains', async () => {
    const parsed = await simpleParser(composeRawMail(from, { to: 'r@x.test', subject: 's', text: '\r\nBcc: victim@x.test\r\n' }));
    expect(parsed.bcc).toBeUndefined();
  });
});
