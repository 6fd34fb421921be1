import { checkAccessReason } from '../../../lib/access/reason';

describe('checkAccessReason (why an engineer may open one customer record)', () => {
  it.each(['support ticket 4411', 'Ticket #4411', 'ticket-77', 'ticket: 12', 'INC-2041', 'inc-7 follow-up', 'SUP-12', 'incident inc_8f3k2', 'incident 12', 'see #1234', '#1234'])(
    'when the reason references %p, it accepts it',
    (reason) => {
      expect(checkAccessReason(reason)).toEqual({ ok: true, reason });
    },
  );

  it('when the reason explains itself in 15 or more characters, it accepts it, whitespace collapsed', () => {
    expect(checkAccessReason('  customer   cannot log in  ')).toEqual({ ok: true, reason: 'customer cannot log in' });
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
    ['a'.repeat(501), 'reason_too_long'],
  ])('when the reason is %p, it refuses with %s', (reason, code) => {
    expect(checkAccessReason(reason)).toMatchObject({ ok: false, code });
  });
});
