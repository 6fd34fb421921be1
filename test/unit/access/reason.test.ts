import { checkAccessReason } from '../../../lib/access/reason';

describe('checkAccessReason (why an engineer may reach customer data)', () => {
  it.each([
    'support ticket 4411',
    'Ticket #4411',
    'ticket-77',
    'ticket: 12',
    'INC-2041',
    'SUP-12 follow-up',
    'OPS2-7',
    'incident inc_8f3k2',
    'inc_Yv3kQ0aZb1cD2eF3',
    'incident 12',
    'Incident #12',
    'see #1234',
    '#1234',
    '(#4411) customer cannot log in',
  ])('when the reason references %p, it accepts it', (reason) => {
    expect(checkAccessReason(reason)).toEqual({ ok: true, reason });
  });

  it('collapses whitespace, line breaks included', () => {
    expect(checkAccessReason('  ticket   4411\n  customer cannot log in  ')).toEqual({ ok: true, reason: 'ticket 4411 customer cannot log in' });
  });

  it.each([
    [undefined, 'reason_required'],
    ['', 'reason_required'],
    ['   ', 'reason_required'],
    [42, 'reason_required'],
    ['because', 'reason_too_vague'],
    ['ticket', 'reason_too_vague'],
    ['#12', 'reason_too_vague'],
    ['123456789012345678', 'reason_too_vague'],
    ['.... ..... ....... !!', 'reason_too_vague'],
    // The old rule accepted any 15 characters with 8 letters: explanations alone are no longer enough.
    ['aaaaaaaaaaaaaaa', 'reason_too_vague'],
    ['customer cannot log in since Monday', 'reason_too_vague'],
    ['just curious about this account', 'reason_too_vague'],
    // Lower-case look-alikes of tracker keys are words, not references.
    ['pre-2020 account', 'reason_too_vague'],
    ['inc-7 follow-up', 'reason_too_vague'],
    ['inc_aaaaa', 'reason_too_vague'],
    ['ticketless #12ab', 'reason_too_vague'],
    ['ticket 4411\u0000', 'invalid_reason'],
    ['INC-2041 \u202eevil', 'invalid_reason'],
    ['a'.repeat(501), 'reason_too_long'],
  ])('when the reason is %p, it refuses with %s', (reason, code) => {
    expect(checkAccessReason(reason)).toMatchObject({ ok: false, code });
  });
});
