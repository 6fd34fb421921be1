import { report, submit } from '../../cases/incidents.cases';
import { inProcessEnv } from '../../support/incidents-in-process';
import { denyAuditWrites, invokeOps } from '../../support/ops';
import { documentClient } from '../../../lib/platform/aws/dynamodb';

/**
 * Issue 24, part 4: `incidents update --public`, `ack`, `status` and `publish` used to act (store,
 * mail the reporter) before their audit entry was written, so a failed audit write left an
 * unaudited change, and the retry mailed the reporter twice. Written before the fix: each case
 * below failed (the note was stored and mailed although the audit write was refused).
 */
describe('incident changes are audited first: a refused audit write changes nothing and mails no one', () => {
  const env = inProcessEnv();

  async function received() {
    const body = report();
    const res = await env.send(submit(body));
    expect(res.status).toBe(202);
    return { id: (res.json as { id: string }).id, email: body.email as string };
  }

  async function withAuditDenied<T>(fn: () => Promise<T>): Promise<T> {
    const spy = denyAuditWrites(documentClient);
    try {
      return await fn();
    } finally {
      spy.mockRestore();
    }
  }

  it.each([
    ['update --public', (id: string) => ['update', { id, message: 'We reproduced it.', public: true }] as const],
    ['ack', (id: string) => ['ack', { id, contact: 'Dana' }] as const],
  ])('%s', async (_label, call) => {
    const { id, email } = await received();
    const before = await env.mailTo(email);
    const shownBefore = await env.ops.show(id);
    const [action, args] = call(id);
    const outcome = await withAuditDenied(() => invokeOps('opsIncidents', action, args));
    expect(outcome).toMatchObject({ ok: false, error: { status: 500 } });
    const shownAfter = await env.ops.show(id);
    expect(shownAfter.status).toBe(shownBefore.status);
    expect(shownAfter.timeline).toHaveLength(shownBefore.timeline.length);
    expect(await env.mailTo(email)).toHaveLength(before.length);
    // The retry, with the audit log back, acts once and mails once.
    expect(await invokeOps('opsIncidents', action, args)).toMatchObject({ ok: true });
    expect((await env.mailTo(email)).length).toBeLessThanOrEqual(before.length + 1);
  });

  it('status and publish', async () => {
    const { id, email } = await received();
    await env.ops.ack(id, 'Dana');
    const before = await env.mailTo(email);
    const shown = await env.ops.show(id);
    expect(await withAuditDenied(() => invokeOps('opsIncidents', 'status', { id, status: 'investigating' }))).toMatchObject({ ok: false, error: { status: 500 } });
    expect((await env.ops.show(id)).status).toBe(shown.status);
    expect((await env.ops.show(id)).timeline).toHaveLength(shown.timeline.length);
    await env.ops.status(id, 'investigating');
    await env.ops.status(id, 'resolved');
    const resolvedMails = await env.mailTo(email);
    expect(await withAuditDenied(() => invokeOps('opsIncidents', 'publish', { id, title: 'Stored XSS', summary: 'Fixed.', credits: ['Ada'] }))).toMatchObject({ ok: false, error: { status: 500 } });
    expect((await env.ops.show(id)).status).toBe('resolved');
    expect(await env.mailTo(email)).toHaveLength(resolvedMails.length);
    expect(before.length).toBeLessThanOrEqual(resolvedMails.length);
  });
});
