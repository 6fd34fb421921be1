import { assertTransition, INCIDENT_STATUSES, InvalidTransitionError, parseManualTarget, TRANSITIONS, type IncidentStatus } from '../../../lib/incidents/model';
import { nowOverride } from '../../../lib/incidents/clock-override';
import { parseIncidentReport } from '../../../lib/incidents/intake';
import { newTrackingToken, trackingTokenDigest, trackingTokenMatches } from '../../../lib/incidents/tracking-tokens';

describe('the incident state machine', () => {
  it.each([
    ['received', 'acknowledged'],
    ['acknowledged', 'investigating'],
    ['investigating', 'resolved'],
    ['resolved', 'published'],
    ['received', 'closed'],
    ['acknowledged', 'closed'],
    ['investigating', 'closed'],
    ['resolved', 'closed'],
  ] as const)('when an incident is %s, it may move to %s', (from, to) => {
    expect(() => assertTransition(from, to)).not.toThrow();
  });

  it('refuses every other move with a 409 naming the current status', () => {
    let refused = 0;
    for (const from of INCIDENT_STATUSES) {
      for (const to of INCIDENT_STATUSES) {
        if (TRANSITIONS[from].includes(to)) continue;
        const attempt = () => assertTransition(from, to as IncidentStatus);
        expect(attempt).toThrow(InvalidTransitionError);
        try {
          attempt();
        } catch (error) {
          expect(error).toMatchObject({ status: 409, code: 'invalid_transition', current: from });
          expect((error as Error).message).toContain(`The incident is ${from}`);
        }
        refused += 1;
      }
    }
    expect(refused).toBe(36 - 8);
  });

  it('when published or closed, nothing moves it again', () => {
    expect(TRANSITIONS.published).toEqual([]);
    expect(TRANSITIONS.closed).toEqual([]);
    expect(() => assertTransition('closed', 'investigating')).toThrow(/closed is final/);
  });

  it('when a manual status change names acknowledged or published, it points to the command that does it', () => {
    expect(() => parseManualTarget('acknowledged')).toThrow(/incidents ack/);
    expect(() => parseManualTarget('published')).toThrow(/incidents publish/);
    expect(() => parseManualTarget('done')).toThrow(/investigating, resolved, closed/);
    expect(parseManualTarget('resolved')).toBe('resolved');
  });
});

/** What `fn` throws, as the client would see it (status, code, message); undefined when it does not throw. */
function errorOf(fn: () => unknown): { status: number; code: string; message: string } | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    const { status, code, message } = error as { status: number; code: string; message: string };
    return { status, code, message };
  }
}

describe('the intake parser', () => {
  const good = { email: '  Ada@Example.TEST ', summary: ' Summary ', details: 'Line 1\nLine 2\tTabbed', scope: 'account' };

  it('normalises the email, trims the text and keeps line breaks in details', () => {
    expect(parseIncidentReport(good)).toEqual({
      kind: 'report',
      report: { email: 'ada@example.test', summary: 'Summary', details: 'Line 1\nLine 2\tTabbed', scope: 'account', creditAs: null },
    });
  });

  it('when creditAs comes with consent, it is kept', () => {
    expect(parseIncidentReport({ ...good, creditAs: ' Ada ', creditConsent: true })).toMatchObject({ report: { creditAs: 'Ada' } });
  });

  it('counts characters, not UTF-16 units, against the limits', () => {
    expect(parseIncidentReport({ ...good, summary: '😀'.repeat(200) }).kind).toBe('report');
    expect(() => parseIncidentReport({ ...good, summary: '😀'.repeat(201) })).toThrow(/at most 200/);
  });

  it('refuses control characters in details other than tabs and line breaks', () => {
    expect(() => parseIncidentReport({ ...good, details: 'a\u0000b' })).toThrow(expect.objectContaining({ code: 'invalid_details' }));
  });

  it('when the honeypot is filled on a valid report, it says so; on an invalid one, it refuses exactly as without it', () => {
    expect(parseIncidentReport({ ...good, website: 'x' })).toEqual({ kind: 'honeypot' });
    for (const bad of [{ email: 'not-an-email' }, { summary: '' }, { scope: 'nope' }, { creditAs: 'Ada' }]) {
      const withoutHoneypot = errorOf(() => parseIncidentReport({ ...good, ...bad }));
      const withHoneypot = errorOf(() => parseIncidentReport({ ...good, ...bad, website: 'http://spam.example' }));
      expect(withHoneypot).toEqual(withoutHoneypot);
      expect(withHoneypot).toMatchObject({ status: 400 });
    }
    expect(errorOf(() => parseIncidentReport({ website: 'x' }))).toMatchObject({ status: 400, code: 'missing_email' });
  });

  it.each([
    ['an HTML link', '<a href="https://evil.example">Ada</a>'],
    ['a tag', 'Ada <b>'],
    ['a line break', 'Ada\nLovelace'],
    ['a right-to-left override', 'Ada \u202eecalevol'],
  ])('when creditAs holds %s, it is 400 invalid_credit_as', (_what, creditAs) => {
    expect(errorOf(() => parseIncidentReport({ ...good, creditAs, creditConsent: true }))).toMatchObject({ status: 400, code: 'invalid_credit_as' });
  });
});

describe('tracking tokens', () => {
  it('carry at least 128 random bits and match only their own digest', () => {
    const token = newTrackingToken();
    expect(Buffer.from(token.slice(4), 'base64url').length * 8).toBeGreaterThanOrEqual(128);
    expect(trackingTokenMatches(token, trackingTokenDigest(token))).toBe(true);
    expect(trackingTokenMatches(newTrackingToken(), trackingTokenDigest(token))).toBe(false);
    expect(trackingTokenMatches(token, undefined)).toBe(false);
    expect(trackingTokenMatches(undefined, trackingTokenDigest(token))).toBe(false);
  });
});

describe('the escalation clock override', () => {
  const stage = process.env.STAGE;
  afterEach(() => {
    process.env.STAGE = stage;
  });

  it('when STAGE is local, an ISO time is honoured', () => {
    process.env.STAGE = 'local';
    expect(nowOverride('2026-11-25T10:00:00Z')).toBe(Date.parse('2026-11-25T10:00:00Z'));
    expect(nowOverride(undefined)).toBeUndefined();
  });

  it.each(['prod', 'staging', undefined])('when STAGE is %s, any override is refused with 403', (value) => {
    if (value === undefined) delete process.env.STAGE;
    else process.env.STAGE = value;
    expect(() => nowOverride('2026-11-25T10:00:00Z')).toThrow(expect.objectContaining({ status: 403, code: 'now_override_refused' }));
    expect(nowOverride(undefined)).toBeUndefined();
  });

  it('when the override is not an ISO time, it is a 400', () => {
    process.env.STAGE = 'local';
    expect(() => nowOverride('tomorrow')).toThrow(expect.objectContaining({ status: 400, code: 'invalid_now' }));
    expect(() => nowOverride(1234)).toThrow(expect.objectContaining({ code: 'invalid_now' }));
  });
});
