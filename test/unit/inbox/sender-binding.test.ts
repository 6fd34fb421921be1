import { classifyMessage, chooseThread, type Disposition, type InboxPolicy } from '../../../lib/inbox/classify';
import type { HeaderLine, InboundMessage } from '../../../lib/inbox/message';
import { aligned, authenticationResults, domainOf, rateBudgetKey, senderVerified } from '../../../lib/inbox/sender-binding';

// Issue 21 §3 "Inbox sender binding": a message counts as from its From address only with DMARC
// pass, or SPF/DKIM pass for that address's own domain. Before the fix, SPF and DKIM passing for
// the attacker's own domain (dmarc=none for the From domain) made a message the reporter's.

const h = (name: string, value: string): HeaderLine => ({ name, value });
const results = (value: string) => [h('authentication-results', `amazonses.com; ${value}`), h('x-ses-spam-verdict', 'PASS'), h('x-ses-virus-verdict', 'PASS')];
const POLICY: InboxPolicy = { securityAddress: 'security@helpshelf.co', ownAddresses: ['no-reply@helpshelf.co'], requireVerdicts: true };
const ATTACK = 'spf=pass (spfCheck: domain of attacker.example designates 192.0.2.9 as permitted sender) smtp.mailfrom=bounce@attacker.example; dkim=pass header.i=@attacker.example header.d=attacker.example; dmarc=none header.from=researcher.example;';

function message(from: string, headers: HeaderLine[], overrides: Partial<InboundMessage> = {}): InboundMessage {
  return {
    messageId: '<m1@researcher.example>',
    referencedIds: [],
    from: [{ address: from, name: 'R' }],
    fromHeaderCount: 1,
    recipients: ['security@helpshelf.co'],
    subject: 'Re: inc_AbCdEfGhIjKlMnOp',
    text: 'more',
    contentType: 'text/plain',
    headers,
    attachments: [],
    problems: [],
    ...overrides,
  };
}

const report = (d: Disposition) => {
  if (d.kind !== 'report') throw new Error('expected a report');
  return d;
};

describe('sender binding: the attack', () => {
  it('SPF and DKIM passing for the attacker\'s own domain, dmarc=none for the From domain: unverified, never joins the reporter\'s incident, not mailed, own budget', () => {
    const d = report(classifyMessage(message('ada@researcher.example', results(ATTACK)), POLICY));
    expect(d.flags).toContain('unverified_sender');
    expect(d.mayMailSender).toBe(false);
    expect(chooseThread(d, [{ id: 'inc_AbCdEfGhIjKlMnOp', email: 'ada@researcher.example' }])).toBeNull();
    expect(d.rateKey).toBe('unverified:ada@researcher.example');
  });

  it('the same message with DMARC pass, or an aligned SPF or DKIM pass, is the sender\'s', () => {
    for (const value of [
      'spf=none; dkim=none; dmarc=pass header.from=researcher.example;',
      'spf=pass smtp.mailfrom=ada@researcher.example; dkim=none; dmarc=none header.from=researcher.example;',
      'spf=pass (x) client-ip=192.0.2.1; envelope-from=bounces@researcher.example; helo=x; dkim=none; dmarc=none;',
      'spf=none; dkim=pass header.i=@researcher.example; dmarc=none header.from=researcher.example;',
      'spf=none; dkim=pass header.d=researcher.example; dmarc=none;',
    ]) {
      const d = report(classifyMessage(message('ada@researcher.example', results(value)), POLICY));
      expect({ value, flags: d.flags, mayMail: d.mayMailSender, rateKey: d.rateKey }).toEqual({ value, flags: [], mayMail: true, rateKey: 'from:ada@researcher.example' });
      expect(chooseThread(d, [{ id: 'inc_AbCdEfGhIjKlMnOp', email: 'ada@researcher.example' }])).toBe('inc_AbCdEfGhIjKlMnOp');
    }
  });

  it('a pass written lower down by the sender is not the receipt\'s', () => {
    const headers = [h('authentication-results', `amazonses.com; ${ATTACK}`), h('authentication-results', 'amazonses.com; dmarc=pass header.from=researcher.example;'), h('x-ses-spam-verdict', 'PASS')];
    expect(senderVerified(headers, 'ada@researcher.example')).toBe(false);
    expect(senderVerified([h('authentication-results', 'mx.evil.example; dmarc=pass;')], 'ada@researcher.example')).toBe(false);
    expect(senderVerified([], 'ada@researcher.example')).toBe(false);
  });

  it('a DMARC pass for another From domain, or a fail or none of any method, does not bind', () => {
    expect(senderVerified(results('dmarc=pass header.from=attacker.example;'), 'ada@researcher.example')).toBe(false);
    expect(senderVerified(results('spf=fail smtp.mailfrom=ada@researcher.example; dkim=softfail header.d=researcher.example; dmarc=none;'), 'ada@researcher.example')).toBe(false);
    expect(senderVerified(results('spf=pass; dkim=pass; dmarc=none;'), 'ada@researcher.example')).toBe(false);
    expect(senderVerified(results('dkim=pass header.d=attacker.example; dkim=pass header.d=researcher.example;'), 'ada@researcher.example')).toBe(true);
    expect(senderVerified(results('dmarc=pass header.from=researcher.example;'), 'not-an-address')).toBe(false);
  });

  it('without verdicts: unverified where the receipt rule is required; taken as sent on a stage without one (local)', () => {
    const bare = message('ada@researcher.example', []);
    expect(report(classifyMessage(bare, POLICY)).rateKey).toBe('unverified:ada@researcher.example');
    expect(report(classifyMessage(bare, { ...POLICY, requireVerdicts: false })).rateKey).toBe('from:ada@researcher.example');
  });
});

describe('sender binding: the parts', () => {
  it('reads the method results of the topmost amazonses.com header, properties attached to their method, comments dropped', () => {
    expect(authenticationResults([h('authentication-results', 'amazonses.com; spf=PASS (domain of a.example; designates) smtp.mailfrom=X@A.example; client-ip=192.0.2.1; dkim=pass header.i="@b.example"; dmarc=none')])).toEqual([
      { method: 'spf', result: 'pass', props: { 'smtp.mailfrom': 'x@a.example', 'client-ip': '192.0.2.1' } },
      { method: 'dkim', result: 'pass', props: { 'header.i': '@b.example' } },
      { method: 'dmarc', result: 'none', props: {} },
    ]);
    expect(authenticationResults([h('authentication-results', 'amazonses.com;stray=1; spf=pass')])).toEqual([{ method: 'spf', result: 'pass', props: {} }]);
    expect(authenticationResults([h('received', 'x'), h('authentication-results', ' amazonses.com ; dmarc=pass')])).toEqual([{ method: 'dmarc', result: 'pass', props: {} }]);
    expect(authenticationResults([h('authentication-results', 'other.example; amazonses.com; dmarc=pass')])).toEqual([]);
  });

  it('takes the domain of an address or @domain, lower case, without a trailing dot; nothing that is not a domain', () => {
    expect(domainOf('Ada@Mail.Researcher.Example.')).toBe('mail.researcher.example');
    expect(domainOf('@researcher.example')).toBe('researcher.example');
    expect(domainOf('researcher.example')).toBe('researcher.example');
    expect(domainOf('localhost')).toBeUndefined();
    expect(domainOf('a@b_c.example')).toBeUndefined();
    expect(domainOf('')).toBeUndefined();
    expect(domainOf(undefined)).toBeUndefined();
  });

  it('aligns the same domain or a parent of the From domain, never a child or a lookalike', () => {
    expect(aligned('researcher.example', 'researcher.example')).toBe(true);
    expect(aligned('mail.researcher.example', 'researcher.example')).toBe(true);
    expect(aligned('researcher.example', 'mail.researcher.example')).toBe(false);
    expect(aligned('evilresearcher.example', 'researcher.example')).toBe(false);
    expect(aligned('researcher.example', 'example')).toBe(false);
    expect(aligned('researcher.example', undefined)).toBe(false);
  });

  it('folds case and plus-addressing into one budget per address; unverified mail has a budget of its own', () => {
    expect(rateBudgetKey('Ada+Bug1@Researcher.Example', true)).toBe('from:ada@researcher.example');
    expect(rateBudgetKey('ada+bug2@researcher.example', true)).toBe('from:ada@researcher.example');
    expect(rateBudgetKey('ada+x+y@researcher.example', false)).toBe('unverified:ada@researcher.example');
    expect(rateBudgetKey(null, true)).toBe('no-sender');
  });
});

describe('attachment content types (issue 21 §3 "A report lost")', () => {
  it('keeps a plain media type (lower case), replaces anything else with application/octet-stream', async () => {
    const { safeContentType } = await import('../../../lib/inbox/classify');
    expect(safeContentType(' Image/PNG ')).toEqual({ contentType: 'image/png', replaced: false });
    expect(safeContentType('application/vnd.openxmlformats-officedocument.wordprocessingml.document')).toEqual({ contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', replaced: false });
    for (const bad of ['text/plain\u0001x', `application/x-${'a'.repeat(9 * 1024)}`, 'text', 'text/', '/plain', 'text/plain; charset=x', 'te xt/plain', '']) {
      expect(safeContentType(bad)).toEqual({ contentType: 'application/octet-stream', replaced: true });
    }
    expect(safeContentType(`a/${'b'.repeat(63)}`).replaced).toBe(false);
    expect(safeContentType(`a/${'b'.repeat(64)}`).replaced).toBe(true);
  });
});

describe('sender binding: each method on its own', () => {
  const headers = (value: string) => results(value);
  it('a DMARC pass alone binds the message to its From address; a DMARC pass for another From does not', () => {
    expect(senderVerified(headers('spf=fail smtp.mailfrom=x@attacker.example; dmarc=pass header.from=researcher.example'), 'ada@researcher.example')).toBe(true);
    expect(senderVerified(headers('dmarc=pass header.from=attacker.example'), 'ada@researcher.example')).toBe(false);
  });

  it('an SPF pass alone, or a DKIM pass alone, binds only when it is for the From domain', () => {
    expect(senderVerified(headers('spf=pass smtp.mailfrom=bounce@researcher.example'), 'ada@researcher.example')).toBe(true);
    expect(senderVerified(headers('spf=pass smtp.mailfrom=bounce@attacker.example'), 'ada@researcher.example')).toBe(false);
    expect(senderVerified(headers('dkim=pass header.d=researcher.example'), 'ada@researcher.example')).toBe(true);
    expect(senderVerified(headers('dkim=pass header.d=attacker.example'), 'ada@researcher.example')).toBe(false);
  });

  it('a comment in parentheses says nothing binding, even when it reads like a result', () => {
    const forged = 'spf=fail (dkim=pass header.d=researcher.example; dmarc=pass) smtp.mailfrom=bounce@attacker.example';
    expect(authenticationResults(headers(forged))).toEqual([{ method: 'spf', result: 'fail', props: { 'smtp.mailfrom': 'bounce@attacker.example' } }]);
    expect(senderVerified(headers(forged), 'ada@researcher.example')).toBe(false);
  });

  it('quoted values are read without their quotes, and a quoted value may hold spaces', () => {
    expect(authenticationResults(headers('dmarc="pass" header.from="researcher.example" policy.comment="two words"'))).toEqual([
      { method: 'dmarc', result: 'pass', props: { 'header.from': 'researcher.example', 'policy.comment': 'two words' } },
    ]);
    expect(authenticationResults(headers('dkim=pass header.d = researcher.example'))).toEqual([{ method: 'dkim', result: 'pass', props: { 'header.d': 'researcher.example' } }]);
  });

  it('a domain with anything after its last label is not a domain', () => {
    expect(domainOf('x@example.com!')).toBeUndefined();
    expect(domainOf('x@example.com.')).toBe('example.com');
  });
});
