import { randomUUID } from 'node:crypto';
import { expectSecurityHeaders } from './platform.cases';
import type { TestRequest } from '../support/http';
import { mailContaining, type IncidentTestEnv } from '../support/incidents';

/** Cases shared by the integration layer (in-process, ops in-process) and e2e (HTTP, real ops CLI). */
export interface IncidentCase {
  name: string;
  run: (env: IncidentTestEnv) => Promise<void>;
}

const SECURITY = 'security@helpshelf.test';
const SUPPORT = 'support@helpshelf.test';
const TEAM_LEAD = 'security-lead@helpshelf.test';

/** A loopback address of its own per call, so per-IP limits of one case never touch another. */
export function uniqueIp(): string {
  const b = () => 1 + Math.floor(Math.random() * 253);
  return `127.${b()}.${b()}.${b()}`;
}

export function uniqueEmail(tag = 'reporter'): string {
  return `${tag}-${randomUUID()}@example.test`;
}

export function report(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    email: uniqueEmail(),
    summary: `Stored XSS in shelf names ${randomUUID()}`,
    details: 'Steps:\n1. Create a shelf named <img src=x onerror=alert(1)>\n2. Open it.',
    scope: 'security',
    ...overrides,
  };
}

export function submit(body: TestRequest['body'], sourceIp = uniqueIp(), headers: Record<string, string> = {}): TestRequest {
  return { method: 'POST', path: '/v1/incidents', body, sourceIp, headers };
}

export function status(id: string, token: string | undefined): TestRequest {
  return { method: 'GET', path: `/v1/incidents/${id}`, headers: token === undefined ? {} : { 'X-Tracking-Token': token } };
}

/** Bad input: the clear 4xx, and nothing stored (no item, no mail) for the report. */
async function expectRefusedAndNothingStored(
  env: IncidentTestEnv,
  request: TestRequest,
  expected: { status: number; code: string },
  markerField: 'summary' | 'details' = 'details',
) {
  // Prepare
  const marker = `marker-${randomUUID()}`;
  const body = typeof request.body === 'object' && request.body !== null && !Array.isArray(request.body) ? { ...request.body } : request.body;
  const email = typeof body === 'object' && body !== null && !Array.isArray(body) && typeof body.email === 'string' ? body.email : undefined;
  // A marker finds the report even when it has no email; it goes in a field the case is not about.
  const withMarker =
    typeof body === 'object' && body !== null && !Array.isArray(body) && typeof body[markerField] === 'string'
      ? { ...body, [markerField]: `${markerField === 'summary' ? String(body.summary).slice(0, 150) : String(body.details)} ${marker}` }
      : body;
  // Act
  const res = await env.send({ ...request, body: withMarker });
  // Assess
  expect({ status: res.status, code: res.json?.error?.code }).toEqual(expected);
  expect(res.json.error.message).toEqual(expect.any(String));
  expectSecurityHeaders(res.headers);
  expect(await env.table.byMarker(marker)).toEqual([]);
  if (email) {
    expect(await env.table.byEmail(email.trim().toLowerCase())).toEqual([]);
    expect(await env.mailTo(email)).toEqual([]);
  }
}

export const incidentCases: IncidentCase[] = [
  {
    name: 'when a report is submitted, it answers 202 received with acknowledgeBy, mails a receipt and alerts the security team',
    run: async (env) => {
      // Prepare
      const body = report({ creditAs: 'Ada L.', creditConsent: true });
      const before = Date.now();
      // Act
      const res = await env.send(submit(body));
      // Assess
      expect(res.status).toBe(202);
      expectSecurityHeaders(res.headers);
      expect(res.json).toEqual({ id: expect.stringMatching(/^inc_/), trackingToken: expect.stringMatching(/^hsi_[A-Za-z0-9_-]{43}$/), status: 'received', acknowledgeBy: expect.any(String) });
      const { id, trackingToken, acknowledgeBy } = res.json;
      expect(new Date(acknowledgeBy).toISOString()).toBe(acknowledgeBy);
      expect(Date.parse(acknowledgeBy)).toBeGreaterThan(before + 23 * 3_600_000);

      const view = await env.send(status(id, trackingToken));
      expect(view.status).toBe(200);
      expect(view.json).toEqual({ id, status: 'received', acknowledgedAt: null, contact: null, updates: [] });

      const receipt = await env.mailTo(body.email as string);
      expect(receipt).toHaveLength(1);
      expect(receipt[0].body).toContain(id);
      expect(receipt[0].body).toContain('X-Tracking-Token');
      expect((await mailContaining(SECURITY, id, env.mailTo)).length).toBe(1);
      expect(await mailContaining(SUPPORT, id, env.mailTo)).toEqual([]);

      // The token is stored only as a digest: no item carries it.
      const items = await env.table.byId(id);
      expect(items.length).toBeGreaterThan(0);
      expect(JSON.stringify(items)).not.toContain(trackingToken);
      const meta = items.find((i) => i.sk === 'META')!;
      expect(meta).toMatchObject({ entity: 'incident', status: 'received', scope: 'security', acknowledgedAt: null, creditAs: 'Ada L.', userId: null });
      expect(meta.createdAt).toEqual(expect.any(String));
      // The look-ups the "nothing stored" cases rely on do find a stored report.
      expect(await env.table.byEmail(body.email as string)).toHaveLength(1);
      expect((await env.table.byMarker(body.summary as string)).map((i) => i.sk)).toEqual(['META']);
    },
  },
  {
    name: 'when a report has account scope, the alert goes to support, not the security team',
    run: async (env) => {
      const res = await env.send(submit(report({ scope: 'account' })));
      expect(res.status).toBe(202);
      expect((await mailContaining(SUPPORT, res.json.id, env.mailTo)).length).toBe(1);
      expect(await mailContaining(SECURITY, res.json.id, env.mailTo)).toEqual([]);
    },
  },
  {
    name: 'when text fields hold HTML and script, they are stored verbatim as text and returned JSON-escaped',
    run: async (env) => {
      // Prepare
      const summary = `<script>alert("x")</script> & <b>bold</b> ${randomUUID()}`;
      const details = '</textarea><img src=x onerror="fetch(`//evil`)">\n"quotes" & \\backslash';
      // Act
      const res = await env.send(submit(report({ summary, details })));
      // Assess
      expect(res.status).toBe(202);
      const shown = await env.ops.show(res.json.id);
      expect(shown.summary).toBe(summary);
      expect(shown.details).toBe(details);
      const alert = await mailContaining(SECURITY, res.json.id, env.mailTo);
      expect(alert[0].body).toContain(summary);
      const view = await env.send(status(res.json.id, res.json.trackingToken));
      expect(view.headers['content-type']).toMatch(/^application\/json/);
    },
  },
  ...(
    [
      ['a missing email', { email: undefined }, 'missing_email'],
      ['an invalid email', { email: 'not-an-email' }, 'invalid_email'],
      ['an email with a space', { email: 'a b@example.test' }, 'invalid_email'],
      ['a missing summary', { summary: undefined }, 'missing_summary'],
      ['an empty summary', { summary: '   ' }, 'empty_summary'],
      ['a summary over 200 characters', { summary: 'x'.repeat(201) }, 'summary_too_long'],
      ['a summary with a line break', { summary: 'line one\nline two' }, 'invalid_summary'],
      ['a missing details', { details: undefined }, 'missing_details'],
      ['an empty details', { details: '' }, 'empty_details'],
      ['details over 20,000 characters', { details: 'x'.repeat(20_001) }, 'details_too_long'],
      ['a missing scope', { scope: undefined }, 'missing_scope'],
      ['an unknown scope', { scope: 'billing' }, 'invalid_scope'],
      ['a creditAs without consent', { creditAs: 'Ada' }, 'credit_consent_required'],
      ['a creditAs with an HTML link', { creditAs: '<a href="https://evil.example">Ada</a>', creditConsent: true }, 'invalid_credit_as'],
      ['a creditAs with a line break', { creditAs: 'Ada\nLovelace', creditConsent: true }, 'invalid_credit_as'],
      ['a filled honeypot and an invalid email', { website: 'http://spam.example', email: 'not-an-email' }, 'invalid_email'],
      ['a filled honeypot and no summary', { website: 'http://spam.example', summary: undefined }, 'missing_summary'],
      ['a non-string summary', { summary: ['a'] }, 'invalid_summary'],
    ] as const
  ).map(
    ([what, overrides, code]): IncidentCase => ({
      name: `when a report has ${what}, it is 400 ${code} and nothing is stored`,
      run: async (env) => {
        const body = report();
        for (const [k, v] of Object.entries(overrides)) {
          if (v === undefined) delete body[k];
          else body[k] = v;
        }
        await expectRefusedAndNothingStored(env, submit(body), { status: 400, code }, code.includes('details') ? 'summary' : 'details');
      },
    }),
  ),
  {
    name: 'when the body is not JSON, it is 400 invalid_json and nothing is stored',
    run: async (env) => {
      const res = await env.send(submit('{"email": "x@example.test", "summary": ', uniqueIp(), { 'Content-Type': 'application/json' }));
      expect(res.status).toBe(400);
      expect(res.json.error.code).toBe('invalid_json');
      expect(await env.table.byEmail('x@example.test')).toEqual([]);
    },
  },
  {
    name: 'when the body is larger than the limit, it is 413 and nothing is stored',
    run: async (env) => {
      await expectRefusedAndNothingStored(env, submit(report({ details: 'x'.repeat(140 * 1024) })), { status: 413, code: 'payload_too_large' });
    },
  },
  {
    name: 'when one address sends a burst of reports, the sixth is 429 with Retry-After and is not stored',
    run: async (env) => {
      // Prepare
      const ip = uniqueIp();
      for (let i = 0; i < 5; i += 1) expect((await env.send(submit(report(), ip))).status).toBe(202);
      const sixth = report();
      // Act
      const res = await env.send(submit(sixth, ip));
      // Assess
      expect(res.status).toBe(429);
      expect(res.json.error.code).toBe('too_many_reports');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect(await env.table.byEmail(sixth.email as string)).toEqual([]);
      expect(await env.mailTo(sixth.email as string)).toEqual([]);
      // Another address is not affected.
      expect((await env.send(submit(report(), uniqueIp()))).status).toBe(202);
    },
  },
  {
    name: 'when the honeypot field is filled, it looks accepted but nothing is stored and nobody is mailed',
    run: async (env) => {
      // Prepare
      const body = report({ website: 'http://spam.example' });
      // Act
      const res = await env.send(submit(body));
      // Assess
      expect(res.status).toBe(202);
      expect(res.json).toEqual({ id: expect.stringMatching(/^inc_/), trackingToken: expect.stringMatching(/^hsi_/), status: 'received', acknowledgeBy: expect.any(String) });
      expect(await env.table.byEmail(body.email as string)).toEqual([]);
      expect(await env.mailTo(body.email as string)).toEqual([]);
      expect((await env.send(status(res.json.id, res.json.trackingToken))).status).toBe(404);
    },
  },
  {
    name: 'when the point of contact given to ack has a line break or markup, it is refused and the incident is unchanged',
    run: async (env) => {
      // Prepare
      const { id } = (await env.send(submit(report()))).json;
      // Act
      const refused = [await env.ops.refused('ack', id, 'Dana\nSecurity Team'), await env.ops.refused('ack', id, '<b>Dana</b>')];
      // Assess
      for (const r of refused) expect(r.message).toContain('plain text');
      const shown = await env.ops.show(id);
      expect(shown).toMatchObject({ status: 'received', contact: null });
      expect(shown.timeline.filter((e: { kind: string }) => e.kind === 'status')).toHaveLength(0);
    },
  },
  {
    name: 'when the id or the tracking token is wrong or missing, it is the same 404 either way',
    run: async (env) => {
      // Prepare
      const a = (await env.send(submit(report()))).json;
      const b = (await env.send(submit(report()))).json;
      // Act
      const answers = await Promise.all([
        env.send(status(a.id, b.trackingToken)),
        env.send(status(`inc_${randomUUID().replace(/-/g, '').slice(0, 16)}`, a.trackingToken)),
        env.send(status(a.id, undefined)),
        env.send(status(a.id, '')),
        env.send(status('no-such-thing', a.trackingToken)),
      ]);
      // Assess
      for (const res of answers) {
        expect(res.status).toBe(404);
        expect(res.json).toEqual({ error: { code: 'not_found', message: answers[0].json.error.message } });
      }
      expect((await env.send(status(a.id, a.trackingToken))).status).toBe(200);
    },
  },
  {
    name: 'when an incident is not published, nothing about it appears in the advisories',
    run: async (env) => {
      const { id } = (await env.send(submit(report()))).json;
      const res = await env.send({ method: 'GET', path: '/v1/security/advisories' });
      expect(res.status).toBe(200);
      expectSecurityHeaders(res.headers);
      expect(res.json.advisories.map((a: { id: string }) => a.id)).not.toContain(id);
    },
  },
  {
    name: 'done when: received → ack with contact → public and internal notes → investigating → resolved → published with credit',
    run: async (env) => {
      // Submit: received, with acknowledgeBy.
      const body = report({ creditAs: 'Grace H.', creditConsent: true });
      const submitted = await env.send(submit(body));
      expect(submitted.status).toBe(202);
      const { id, trackingToken } = submitted.json;
      expect((await env.ops.list('received')).incidents.map((i) => i.id)).toContain(id);

      // Ack with a point of contact: the reporter is emailed.
      const acked = await env.ops.ack(id, 'Alice Example');
      expect(acked).toMatchObject({ id, status: 'acknowledged', contact: 'Alice Example' });
      const ackMail = (await env.mailTo(body.email as string)).filter((m) => m.subject.includes('acknowledged'));
      expect(ackMail).toHaveLength(1);
      expect(ackMail[0].body).toContain('Alice Example');

      // A public and an internal note: only the public one reaches the reporter.
      const publicNote = `We reproduced it; a fix is on its way. ${randomUUID()}`;
      const internalNote = `Root cause: missing output encoding in shelf renderer. ${randomUUID()}`;
      await env.ops.update(id, publicNote, true);
      await env.ops.update(id, internalNote, false);
      const reporterMail = await env.mailTo(body.email as string);
      expect(reporterMail.some((m) => m.body.includes(publicNote))).toBe(true);
      expect(reporterMail.some((m) => m.body.includes(internalNote))).toBe(false);

      // Invalid move: a clear error naming the current status.
      const refused = await env.ops.refused('status', id, 'resolved');
      expect(refused.message).toContain('acknowledged');

      await env.ops.status(id, 'investigating');
      const resolved = await env.ops.status(id, 'resolved');
      expect(resolved).toMatchObject({ id, from: 'investigating', status: 'resolved' });

      // Nothing public before publish.
      let advisories = (await env.send({ method: 'GET', path: '/v1/security/advisories' })).json.advisories;
      expect(advisories.map((a: { id: string }) => a.id)).not.toContain(id);

      const published = await env.ops.publish(id, 'Stored XSS in shelf names', 'Shelf names were not encoded on the shelf page.', ['Lin Q.']);
      expect(published).toMatchObject({ id, status: 'published', credits: ['Lin Q.', 'Grace H.'] });

      // The reporter's view: status, contact, and the public update only.
      const view = await env.send(status(id, trackingToken));
      expect(view.status).toBe(200);
      expect(view.json).toEqual({
        id,
        status: 'published',
        acknowledgedAt: acked.acknowledgedAt,
        contact: 'Alice Example',
        updates: [{ at: expect.any(String), message: publicNote }],
      });
      expect(view.text).not.toContain(internalNote);

      // The advisory is public, with exactly the public fields.
      advisories = (await env.send({ method: 'GET', path: '/v1/security/advisories' })).json.advisories;
      const advisory = advisories.find((a: { id: string }) => a.id === id);
      expect(advisory).toEqual({
        id,
        title: 'Stored XSS in shelf names',
        summary: 'Shelf names were not encoded on the shelf page.',
        resolvedAt: resolved.at,
        publishedAt: published.publishedAt,
        credits: ['Lin Q.', 'Grace H.'],
      });
      expect(JSON.stringify(advisories)).not.toContain(body.email as string);

      // Ops see everything, internal notes included, each entry with actor and time.
      const shown = await env.ops.show(id);
      expect(shown.trackingTokenDigest).toBeUndefined();
      const kinds = shown.timeline.map((e: { kind: string; to?: string; visibility: string }) => `${e.kind}:${e.to ?? e.visibility}`);
      expect(kinds).toEqual(['received:received', 'status:acknowledged', 'note:public', 'note:internal', 'status:investigating', 'status:resolved', 'status:published']);
      for (const entry of shown.timeline) expect(entry).toMatchObject({ at: expect.any(String), actor: expect.any(String) });

      // Published is final.
      expect((await env.ops.refused('status', id, 'closed')).message).toContain('published');
    },
  },
];

/**
 * The escalation clock. These move the job's clock past deadlines, so they run one after another
 * in a single file per layer (a parallel run could otherwise escalate another case's report early).
 */
export const escalationCases: IncidentCase[] = [
  {
    name: 'when the clock passes acknowledgeBy, the escalation fires exactly once for an unacknowledged report',
    run: async (env) => {
      // Prepare
      const { id, acknowledgeBy } = (await env.send(submit(report()))).json;
      const deadline = Date.parse(acknowledgeBy);
      // Act + Assess: just before the deadline, nothing.
      await env.ops.escalate(new Date(deadline - 60_000).toISOString());
      expect(await mailContaining(TEAM_LEAD, id, env.mailTo)).toEqual([]);
      // Past it: one email to the team lead, however many runs follow.
      await env.ops.escalate(new Date(deadline + 60_000).toISOString());
      await env.ops.escalate(new Date(deadline + 120_000).toISOString());
      const escalations = await mailContaining(TEAM_LEAD, id, env.mailTo);
      expect(escalations).toHaveLength(1);
      expect(escalations[0].subject).toContain('not acknowledged');
      const shown = await env.ops.show(id);
      expect(shown.escalatedAt).toEqual(expect.any(String));
      expect(shown.timeline.filter((e: { kind: string }) => e.kind === 'escalated')).toHaveLength(1);
    },
  },
  {
    name: 'when a report is acknowledged in time, the escalation never fires for it',
    run: async (env) => {
      const { id, acknowledgeBy } = (await env.send(submit(report()))).json;
      await env.ops.ack(id, 'Bob Example');
      await env.ops.escalate(new Date(Date.parse(acknowledgeBy) + 60_000).toISOString());
      expect(await mailContaining(TEAM_LEAD, id, env.mailTo)).toEqual([]);
    },
  },
  {
    name: 'when a reporter has had no public update for the configured business days, the point of contact is reminded once',
    run: async (env) => {
      // Prepare
      const contactEmail = uniqueEmail('contact');
      const { id } = (await env.send(submit(report()))).json;
      const acked = await env.ops.ack(id, 'Carol Example', contactEmail);
      const ackedAt = Date.parse(acked.acknowledgedAt);
      // Act + Assess: an hour later, no reminder; ten calendar days later (at least three business days), one.
      await env.ops.escalate(new Date(ackedAt + 3_600_000).toISOString());
      expect(await env.mailTo(contactEmail)).toEqual([]);
      await env.ops.escalate(new Date(ackedAt + 10 * 86_400_000).toISOString());
      await env.ops.escalate(new Date(ackedAt + 10 * 86_400_000 + 60_000).toISOString());
      const reminders = await env.mailTo(contactEmail);
      expect(reminders).toHaveLength(1);
      expect(reminders[0].body).toContain(id);
      // A public update re-arms it: the next silence brings the next reminder.
      const note = await env.ops.update(id, 'Still investigating.', true);
      await env.ops.escalate(new Date(Date.parse(note.at) + 10 * 86_400_000).toISOString());
      expect(await env.mailTo(contactEmail)).toHaveLength(2);
    },
  },
];
