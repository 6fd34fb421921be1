import { INBOX_KINDS, inboxProblems, inboxRow, type InboxBenchRow } from '../../../scripts/bench/inbox';

const row = (over: Partial<InboxBenchRow> = {}): InboxBenchRow => ({
  kind: 'new report',
  n: 100,
  p50Ms: 4.2,
  p95Ms: 6.1,
  awsCallsMax: 7,
  awsCallsByCommand: { 'dynamodb:PutItemCommand': 1 },
  target: { max: 7 },
  withinTarget: true,
  unexpected: 0,
  ...over,
});

describe('the security inbox rows of the bench', () => {
  it('gives every kind of message its target: the floors of docs/performance.md', () => {
    expect(Object.fromEntries(INBOX_KINDS.map((k) => [k.kind, k.awsCalls.max]))).toEqual({ 'new report': 7, reply: 8, duplicate: 3, 'auto-reply': 2 });
  });

  it('shows the target and marks a row over it as the warm rows are (met: NO)', () => {
    expect(inboxRow(row())).toEqual(['new report', '100', '4.2', '6.1', '7', '≤ 7', 'yes', 'dynamodb:PutItem×1', '0']);
    expect(inboxRow(row({ awsCallsMax: 8, withinTarget: false }))).toEqual(expect.arrayContaining(['8', '≤ 7', 'NO']));
  });

  it('marks a row with unexpected outcomes, and fails the bench on those and on lost messages only', () => {
    expect(inboxRow(row({ unexpected: 2 }))[0]).toBe('UNEXPECTED: new report');
    expect(inboxProblems({ status: 'ok', rows: [row(), row({ kind: 'reply', unexpected: 2 })], lost: 0 })).toEqual(['security inbox, reply: 2 of 100 outcomes unexpected']);
    expect(inboxProblems({ status: 'ok', rows: [row()], lost: 1 })).toEqual(['security inbox: 1 message(s) lost (no outcome)']);
    expect(inboxProblems({ status: 'ok', rows: [row({ awsCallsMax: 9, withinTarget: false })], lost: 0 })).toEqual([]);
    expect(inboxProblems({ status: 'not built', rows: [], lost: 0 })).toEqual([]);
  });
});
