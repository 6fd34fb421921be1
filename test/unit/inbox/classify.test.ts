import {
  ATTACHMENT_LIMITS,
  chooseThread,
  classifyMessage,
  DETAILS_MAX,
  ignoreReason,
  incidentIdsNamed,
  planAttachments,
  receiptVerdicts,
  safeFileName,
  senderOf,
  SUMMARY_MAX,
  type Disposition,
  type InboxPolicy,
} from '../../../lib/inbox/classify';
import type { HeaderLine, InboundMessage } from '../../../lib/inbox/message';

// The classification is pure: these tests pin every rule so a changed rule (or a mutant) fails one.

const POLICY: InboxPolicy = { securityAddress: 'security@helpshelf.co', ownAddresses: ['no-reply@helpshelf.co', 'security@helpshelf.co'], requireVerdicts: false };
const ID = 'inc_AbCdEfGhIjKlMnOp';

function message(overrides: Partial<InboundMessage> = {}): InboundMessage {
  return {
    messageId: '<m1@example.test>',
    referencedIds: [],
    from: [{ address: 'Reporter@Example.test', name: 'Reporter' }],
    fromHeaderCount: 1,
    recipients: ['security@helpshelf.co'],
    subject: 'XSS in shelf names',
    text: 'Steps:\n1. do it',
    contentType: 'text/plain',
    headers: [],
    attachments: [],
    problems: [],
    ...overrides,
  };
}
const h = (name: string, value: string): HeaderLine => ({ name, value });
const report = (d: Disposition) => {
  if (d.kind !== 'report') throw new Error(`expected a report, got ${d.kind}`);
  return d;
};
const SES_PASS = [h('x-ses-spam-verdict', 'PASS'), h('x-ses-virus-verdict', 'PASS'), h('authentication-results', 'amazonses.com; spf=pass smtp.mailfrom=a@example.test; dkim=pass header.i=@example.test; dmarc=pass header.from=example.test;')];

describe('receiptVerdicts', () => {
  it('reads SPF, DKIM and DMARC from the topmost Authentication-Results that SES wrote', () => {
    expect(receiptVerdicts(SES_PASS)).toEqual({ present: true, spf: 'pass', dkim: 'pass', dmarc: 'pass', spam: 'pass', virus: 'pass' });
  });

  it('ignores a passing verdict further down (written by the sender) when the topmost one failed', () => {
    const headers = [h('authentication-results', 'amazonses.com; spf=softfail; dkim=fail; dmarc=fail'), h('authentication-results', 'amazonses.com; spf=pass; dkim=pass; dmarc=pass')];
    expect(receiptVerdicts(headers)).toMatchObject({ spf: 'fail', dkim: 'fail', dmarc: 'fail' });
  });

  it('trusts no Authentication-Results from another server', () => {
    expect(receiptVerdicts([h('authentication-results', 'mx.evil.test; spf=pass; dkim=pass; dmarc=pass')])).toEqual({ present: false, spf: 'unknown', dkim: 'unknown', dmarc: 'unknown', spam: 'unknown', virus: 'unknown' });
  });

  it.each([
    ['pass', 'pass'],
    ['PASS', 'pass'],
    ['fail', 'fail'],
    ['softfail', 'fail'],
    ['permerror', 'fail'],
    ['hardfail', 'fail'],
    ['none', 'none'],
    ['neutral', 'none'],
    ['temperror', 'unknown'],
  ])('reads spf=%s as %s', (word, verdict) => {
    expect(receiptVerdicts([h('authentication-results', `amazonses.com; spf=${word}`)]).spf).toBe(verdict);
  });

  it('reads SES spam and virus verdicts (PASS, FAIL; GRAY and PROCESSING_FAILED are unknown), the first header only', () => {
    expect(receiptVerdicts([h('x-ses-virus-verdict', 'FAIL'), h('x-ses-virus-verdict', 'PASS')]).virus).toBe('fail');
    expect(receiptVerdicts([h('x-ses-spam-verdict', 'GRAY')])).toMatchObject({ present: true, spam: 'unknown' });
    expect(receiptVerdicts([h('x-ses-spam-verdict', 'PROCESSING_FAILED')]).spam).toBe('unknown');
  });

  it('does not take a method named inside another word (dkim=pass inside "xdkim=pass")', () => {
    expect(receiptVerdicts([h('authentication-results', 'amazonses.com; xdkim=pass')]).dkim).toBe('unknown');
  });
});

describe('ignoreReason', () => {
  it.each<[string, Partial<InboundMessage>, string | null]>([
    ['an ordinary report', {}, null],
    ['mail from MAILER-DAEMON', { from: [{ address: 'MAILER-DAEMON@mx.example.test', name: '' }] }, 'mailer_daemon'],
    ['mail from postmaster', { from: [{ address: 'postmaster@example.test', name: '' }] }, 'mailer_daemon'],
    ['a multipart/report', { contentType: 'multipart/report' }, 'bounce'],
    ['a null Return-Path', { headers: [h('return-path', '<>')] }, 'bounce'],
    ['a null Return-Path with spaces', { headers: [h('return-path', '< >')] }, 'bounce'],
    ['our own no-reply address', { from: [{ address: 'No-Reply@helpshelf.co', name: '' }] }, 'own_mail'],
    ['the security address itself', { from: [{ address: 'security@helpshelf.co', name: '' }] }, 'own_mail'],
    ['Auto-Submitted: auto-replied', { headers: [h('auto-submitted', 'auto-replied')] }, 'auto_reply'],
    ['Auto-Submitted: auto-generated (failure)', { headers: [h('auto-submitted', 'auto-generated (failure)')] }, 'auto_reply'],
    ['Auto-Submitted: no', { headers: [h('auto-submitted', 'No')] }, null],
    ['Auto-Submitted: no with a comment', { headers: [h('auto-submitted', 'no; owner-email="a@b.test"')] }, null],
    ['X-Autoreply', { headers: [h('x-autoreply', 'yes')] }, 'auto_reply'],
    ['X-Autorespond', { headers: [h('x-autorespond', 'yes')] }, 'auto_reply'],
    ['X-Auto-Response-Suppress: OOF', { headers: [h('x-auto-response-suppress', 'DR, OOF')] }, 'auto_reply'],
    ['X-Auto-Response-Suppress: All', { headers: [h('x-auto-response-suppress', 'All')] }, 'auto_reply'],
    ['X-Auto-Response-Suppress: DR only', { headers: [h('x-auto-response-suppress', 'DR')] }, null],
    ['Precedence: list', { headers: [h('precedence', 'list')] }, 'mailing_list'],
    ['Precedence: bulk', { headers: [h('precedence', 'Bulk')] }, 'auto_reply'],
    ['Precedence: junk', { headers: [h('precedence', 'junk')] }, 'auto_reply'],
    ['Precedence: auto_reply', { headers: [h('precedence', 'auto_reply')] }, 'auto_reply'],
    ['Precedence: first-class', { headers: [h('precedence', 'first-class')] }, null],
    ['List-Id', { headers: [h('list-id', '<a.lists.example.test>')] }, 'mailing_list'],
    ['List-Unsubscribe only', { headers: [h('list-unsubscribe', '<mailto:x@example.test>')] }, 'mailing_list'],
  ])('%s → %s', (_name, overrides, reason) => {
    expect(ignoreReason(message(overrides), POLICY)).toBe(reason);
  });

  it('names a daemon before a report type, and a bounce before an auto-reply', () => {
    expect(ignoreReason(message({ from: [{ address: 'mailer-daemon@x.test', name: '' }], contentType: 'multipart/report', headers: [h('auto-submitted', 'auto-replied')] }), POLICY)).toBe('mailer_daemon');
    expect(ignoreReason(message({ contentType: 'multipart/report', headers: [h('auto-submitted', 'auto-replied')] }), POLICY)).toBe('bounce');
  });
});

describe('senderOf', () => {
  it('lower-cases the one address', () => {
    expect(senderOf(message())).toEqual({ address: 'reporter@example.test' });
  });
  it.each<[string, Partial<InboundMessage>, string]>([
    ['no From', { from: [] }, 'no_sender'],
    ['two From headers', { fromHeaderCount: 2 }, 'ambiguous_sender'],
    ['two addresses in From', { from: [{ address: 'a@x.test', name: '' }, { address: 'b@x.test', name: '' }] }, 'ambiguous_sender'],
    ['a display name that is another address', { from: [{ address: 'evil@x.test', name: 'ceo@helpshelf.co' }] }, 'ambiguous_sender'],
    ['an address without a domain dot', { from: [{ address: 'root@localhost', name: '' }] }, 'invalid_sender'],
    ['an address with a space', { from: [{ address: 'a b@x.test', name: '' }] }, 'invalid_sender'],
    ['an address with a line break', { from: [{ address: 'a@x.test\r\nBcc: v@x.test', name: '' }] }, 'invalid_sender'],
  ])('%s → %s', (_name, overrides, problem) => {
    expect(senderOf(message(overrides))).toEqual({ address: null, problem });
  });
  it('accepts a display name that is the same address', () => {
    expect(senderOf(message({ from: [{ address: 'a@x.test', name: 'A@X.test' }] }))).toEqual({ address: 'a@x.test' });
  });
  it('refuses an address longer than 254 characters', () => {
    expect(senderOf(message({ from: [{ address: `${'a'.repeat(250)}@x.test`, name: '' }] })).problem).toBe('invalid_sender');
  });
});

describe('incidentIdsNamed', () => {
  it('finds the id in a security+<id>@ recipient (prefix and domain in any case), then in the subject, once each', () => {
    const other = 'inc_ZyXwVuTsRqPoNmLk';
    const m = message({ recipients: [`Security+${ID}@HelpShelf.co`, `security+${ID}@elsewhere.test`], subject: `Re: ${other} and ${ID}` });
    expect(incidentIdsNamed(m, POLICY.securityAddress)).toEqual([ID, other]);
  });
  it('keeps the case of the id and needs exactly 16 id characters between non-id characters', () => {
    expect(incidentIdsNamed(message({ subject: `Re: [${ID}]` }), POLICY.securityAddress)).toEqual([ID]);
    expect(incidentIdsNamed(message({ subject: `Re: ${ID}x` }), POLICY.securityAddress)).toEqual([]);
    expect(incidentIdsNamed(message({ subject: `Re: x${ID}` }), POLICY.securityAddress)).toEqual([]);
    expect(incidentIdsNamed(message({ subject: 'Re: inc_short' }), POLICY.securityAddress)).toEqual([]);
  });
  it('ignores plus addresses of another local part', () => {
    expect(incidentIdsNamed(message({ recipients: [`support+${ID}@helpshelf.co`], subject: '' }), POLICY.securityAddress)).toEqual([]);
  });
});

describe('attachments', () => {
  const file = (size: number, filename: string | null = 'a.png') => ({ filename, contentType: 'Image/PNG', size });

  it('keeps files up to the limits and lists the rest as dropped, saying why', () => {
    const plans = planAttachments([file(ATTACHMENT_LIMITS.fileBytes), file(ATTACHMENT_LIMITS.fileBytes + 1), file(ATTACHMENT_LIMITS.fileBytes), file(ATTACHMENT_LIMITS.fileBytes), file(1)], false);
    expect(plans.map((p) => p.dropped ?? 'kept')).toEqual(['kept', 'too_large', 'kept', 'total_too_large', 'kept']);
    expect(plans[0]).toEqual({ index: 0, name: 'a.png', contentType: 'image/png', size: ATTACHMENT_LIMITS.fileBytes });
  });

  it('keeps exactly the count limit', () => {
    const plans = planAttachments(Array.from({ length: ATTACHMENT_LIMITS.count + 2 }, () => file(1)), false);
    expect(plans.filter((p) => !p.dropped)).toHaveLength(ATTACHMENT_LIMITS.count);
    expect(plans.slice(ATTACHMENT_LIMITS.count).map((p) => p.dropped)).toEqual(['too_many', 'too_many']);
  });

  it('drops everything when a virus was found', () => {
    expect(planAttachments([file(1), file(2)], true).map((p) => p.dropped)).toEqual(['virus_found', 'virus_found']);
  });

  it.each([
    ['../../etc/passwd', 'passwd'],
    ['C:\\Users\\x\\report.pdf', 'report.pdf'],
    ['.htaccess', 'htaccess'],
    ['ciële.txt', 'ciële.txt'],
    ['a\u0000b\u001fc.txt', 'abc.txt'],
    ['we<i>rd;name.sh', 'we_i_rd_name.sh'],
    ['', 'attachment-3'],
  ])('names %j safely as %j', (name, safe) => {
    expect(safeFileName(name, 2)).toBe(safe);
  });

  it('names a file without a name by its position and bounds long names', () => {
    expect(safeFileName(null, 0)).toBe('attachment-1');
    expect(safeFileName(`${'x'.repeat(300)}.txt`, 0)).toHaveLength(100);
  });
});

describe('classifyMessage', () => {
  it('turns an ordinary message into a report the sender may be mailed about', () => {
    const d = report(classifyMessage(message({ referencedIds: ['<r@x.test>'] }), POLICY));
    expect(d).toMatchObject({ sender: 'reporter@example.test', flags: [], mayMailSender: true, summary: 'XSS in shelf names', details: 'Steps:\n1. do it', problems: [], incidentIds: [], referencedIds: ['<r@x.test>'] });
  });

  it('returns the ignore reason before anything else', () => {
    expect(classifyMessage(message({ headers: [h('auto-submitted', 'auto-replied')] }), POLICY)).toEqual({ kind: 'ignore', reason: 'auto_reply' });
  });

  it.each(['spf', 'dkim', 'dmarc'])('flags unverified_sender and mails nobody when %s failed', (method) => {
    const d = report(classifyMessage(message({ headers: [h('authentication-results', `amazonses.com; ${method}=fail`)] }), POLICY));
    expect(d.flags).toEqual(['unverified_sender']);
    expect(d.mayMailSender).toBe(false);
  });

  it('treats a message without SES verdicts as unverified where verdicts are required, and not where they are not', () => {
    expect(report(classifyMessage(message(), { ...POLICY, requireVerdicts: true })).flags).toEqual(['unverified_sender']);
    expect(report(classifyMessage(message({ headers: SES_PASS }), { ...POLICY, requireVerdicts: true })).flags).toEqual([]);
    expect(report(classifyMessage(message(), POLICY)).flags).toEqual([]);
  });

  it('flags a virus (attachments dropped) and suspected spam, and still mails a verified sender', () => {
    const d = report(
      classifyMessage(message({ headers: [h('x-ses-virus-verdict', 'FAIL'), h('x-ses-spam-verdict', 'FAIL'), SES_PASS[2]], attachments: [{ filename: 'x.exe', contentType: 'application/octet-stream', size: 2, content: new Uint8Array(2) }] }), POLICY),
    );
    expect(d.flags).toEqual(['virus_found', 'spam_suspected', 'attachments_dropped']);
    expect(d.attachments[0].dropped).toBe('virus_found');
    expect(d.mayMailSender).toBe(true);
  });

  it('opens a report with a parse_problem when the sender cannot be told, and mails nobody', () => {
    const d = report(classifyMessage(message({ from: [], problems: ['unparseable_mime: x'] }), POLICY));
    expect(d).toMatchObject({ sender: null, mayMailSender: false, flags: ['parse_problem'], problems: ['unparseable_mime: x', 'no_sender'] });
  });

  it('gives an empty subject and body words of its own, and strips control characters', () => {
    const d = report(classifyMessage(message({ subject: ' \u0007 ', text: '\u0000 ' }), POLICY));
    expect([d.summary, d.details]).toEqual(['(no subject)', '(the message has no text)']);
    const kept = report(classifyMessage(message({ subject: 'a\r\nb\tc', text: 'line 1\r\nline 2\u0007\tend' }), POLICY));
    expect([kept.summary, kept.details]).toEqual(['a b c', 'line 1\nline 2\tend']);
  });

  it('clips the summary and the details to their limits, noting a clipped text as a problem', () => {
    const d = report(classifyMessage(message({ subject: 's'.repeat(SUMMARY_MAX + 5), text: 'é'.repeat(DETAILS_MAX + 1) }), POLICY));
    expect([...d.summary]).toHaveLength(SUMMARY_MAX);
    expect([...d.details]).toHaveLength(DETAILS_MAX);
    expect(d.problems).toEqual([`text_truncated_to_${DETAILS_MAX}_characters`]);
    expect(d.flags).toEqual(['parse_problem']);
    expect(report(classifyMessage(message({ text: 'é'.repeat(DETAILS_MAX) }), POLICY)).problems).toEqual([]);
  });
});

describe('chooseThread', () => {
  const d = (overrides: Partial<Extract<Disposition, { kind: 'report' }>> = {}) => ({ ...report(classifyMessage(message(), POLICY)), ...overrides });

  it('joins the incident whose reporter sent the reply (addresses compared without case)', () => {
    expect(chooseThread(d(), [{ id: 'inc_other', email: 'someone@example.test' }, { id: ID, email: 'REPORTER@example.test' }])).toBe(ID);
  });
  it('opens a new incident for a reply from another address, an unknown sender, or an unverified one', () => {
    expect(chooseThread(d(), [{ id: ID, email: 'owner@example.test' }])).toBeNull();
    expect(chooseThread(d({ sender: null }), [{ id: ID, email: '' }])).toBeNull();
    expect(chooseThread(d({ flags: ['unverified_sender'] }), [{ id: ID, email: 'reporter@example.test' }])).toBeNull();
    expect(chooseThread(d(), [])).toBeNull();
  });
});
