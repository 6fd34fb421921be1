import type { APIGatewayProxyResult } from 'aws-lambda';
import { report, submit } from '../../cases/incidents.cases';
import { apiGatewayEvent, lambdaContext } from '../../support/http';
import { inProcessEnv } from '../../support/incidents-in-process';
import { invokeOps } from '../../support/ops';
import { auditStore } from '../../../lib/audit';
import type { HttpRequest } from '../../../lib/http/types';
import { setClock } from '../../../lib/platform/time';

describe('incident ops actions and reporter linking, in-process against the emulator', () => {
  const env = inProcessEnv();
  afterEach(() => setClock(undefined));

  describe('linking the reporter account', () => {
    // Loaded lazily: the module reads its configuration at import time, from the integration environment.
    const createHandler = () => (require('../../../functions/incidents-create') as typeof import('../../../functions/incidents-create')).createIncidentHandler;
    const call = async (handler: ReturnType<ReturnType<typeof createHandler>>, body: Record<string, unknown>, headers: Record<string, string> = {}) => {
      const event = apiGatewayEvent(submit(body, undefined, headers), '/v1/incidents', {});
      const result = (await handler(event as never, lambdaContext('helpshelf-local-createIncident'))) as APIGatewayProxyResult;
      return { status: result.statusCode, json: JSON.parse(result.body) };
    };

    it('when identifyReporter finds an account, the incident stores its userId', async () => {
      // Prepare
      const seen: string[] = [];
      const handler = createHandler()({
        identifyReporter: async (request: HttpRequest) => {
          seen.push(request.headers.authorization ?? '');
          return 'usr_fake123';
        },
      });
      // Act
      const res = await call(handler, report(), { Authorization: 'Bearer hs_fake' });
      // Assess
      expect(res.status).toBe(202);
      expect(seen).toEqual(['Bearer hs_fake']);
      expect((await env.ops.show(res.json.id)).userId).toBe('usr_fake123');
    });

    it('when identifyReporter finds no account, the incident has no userId', async () => {
      const handler = createHandler()({ identifyReporter: async () => undefined });
      const res = await call(handler, report());
      expect(res.status).toBe(202);
      expect((await env.ops.show(res.json.id)).userId).toBeNull();
    });

    it('when a real bearer token is sent, the deployed handler links that account; a bad token is a 401', async () => {
      // Prepare: a verified account with a session, through the identity handlers.
      const { viaHandler } = await import('../../support/http');
      const { readyAccount } = await import('../../cases/identity.cases');
      const account = await readyAccount({ send: viaHandler, emulator: process.env.HELPSHELF_TEST_EMULATOR! });
      const deployed = (require('../../../functions/incidents-create') as typeof import('../../../functions/incidents-create')).handler;
      // Act
      const linked = await call(deployed, report(), { Authorization: `Bearer ${account.token}` });
      const refused = await call(deployed, report(), { Authorization: 'Bearer hs_ses_not-a-real-token' });
      // Assess
      expect(linked.status).toBe(202);
      expect((await env.ops.show(linked.json.id)).userId).toBe(account.userId);
      expect(refused.status).toBe(401);
      expect(refused.json.error.code).toBe('unauthorized');
    });

    it('when the input is bad, identifyReporter is not even asked', async () => {
      const identifyReporter = jest.fn(async () => 'usr_never');
      const res = await call(createHandler()({ identifyReporter }), report({ scope: 'nope' }));
      expect(res.status).toBe(400);
      expect(identifyReporter).not.toHaveBeenCalled();
    });
  });

  describe('ops refusals', () => {
    it('when the incident does not exist, every action is a 404', async () => {
      for (const [action, args] of [
        ['show', {}],
        ['ack', { contact: 'X' }],
        ['update', { message: 'x' }],
        ['status', { status: 'investigating' }],
        ['publish', { title: 't', summary: 's' }],
      ] as const) {
        const outcome = await invokeOps('opsIncidents', action, { id: 'inc_doesnotexist00', ...args });
        expect({ action, outcome }).toEqual({ action, outcome: { ok: false, error: { code: 'not_found', message: expect.any(String), status: 404 } } });
      }
    });

    it('when an incident is acknowledged twice, the second is a 409 naming the current status and changes nothing', async () => {
      // Prepare
      const { id } = (await env.send(submit(report()))).json;
      await env.ops.ack(id, 'First Contact');
      // Act
      const refused = await env.ops.refused('ack', id, 'Second Contact');
      // Assess
      expect(refused).toEqual({ code: 'invalid_transition', message: expect.stringContaining('The incident is acknowledged') });
      const shown = await env.ops.show(id);
      expect(shown.contact).toBe('First Contact');
      expect(shown.timeline.filter((e: { kind: string }) => e.kind === 'status')).toHaveLength(1);
    });

    it('when an incident is published before it is resolved, it is refused and nothing is public', async () => {
      const { id } = (await env.send(submit(report()))).json;
      await env.ops.ack(id, 'Dana');
      const refused = await env.ops.refused('publish', id, 'Title', 'Summary');
      expect(refused.code).toBe('invalid_transition');
      expect(refused.message).toContain('acknowledged');
      const advisories = (await env.send({ method: 'GET', path: '/v1/security/advisories' })).json.advisories;
      expect(advisories.map((a: { id: string }) => a.id)).not.toContain(id);
    });

    it("when a credit names the reporter's email without their consent, publishing is refused", async () => {
      const body = report();
      const { id } = (await env.send(submit(body))).json;
      await env.ops.ack(id, 'Eve');
      await env.ops.status(id, 'investigating');
      await env.ops.status(id, 'resolved');
      const outcome = await invokeOps('opsIncidents', 'publish', { id, title: 'T', summary: 'S', credits: [body.email] });
      expect(outcome).toMatchObject({ ok: false, error: { code: 'credit_without_consent', status: 400 } });
      expect((await env.ops.show(id)).status).toBe('resolved');
    });

    it('when a credit holds markup or a line break, publishing is refused and nothing is public', async () => {
      const { id } = (await env.send(submit(report()))).json;
      await env.ops.ack(id, 'Eve');
      await env.ops.status(id, 'investigating');
      await env.ops.status(id, 'resolved');
      for (const credit of ['<a href="https://evil.example">Mallory</a>', 'Mallory\nSee https://evil.example']) {
        const outcome = await invokeOps('opsIncidents', 'publish', { id, title: 'T', summary: 'S', credits: ['Lin Q.', credit] });
        expect(outcome).toMatchObject({ ok: false, error: { code: 'invalid_credit', status: 400 } });
      }
      expect((await env.ops.show(id)).status).toBe('resolved');
      const advisories = (await env.send({ method: 'GET', path: '/v1/security/advisories' })).json.advisories;
      expect(advisories.map((a: { id: string }) => a.id)).not.toContain(id);
    });

    it('when the reporter did not consent, the advisory credits only the names given', async () => {
      const { id } = (await env.send(submit(report()))).json;
      await env.ops.ack(id, 'Eve');
      await env.ops.status(id, 'investigating');
      await env.ops.status(id, 'resolved');
      expect((await env.ops.publish(id, 'T', 'S', [])).credits).toEqual([]);
    });

    it('when arguments are missing or wrong, the refusal names them', async () => {
      const { id } = (await env.send(submit(report()))).json;
      expect(await invokeOps('opsIncidents', 'ack', { id })).toMatchObject({ ok: false, error: { code: 'missing_argument', message: '--contact is required.' } });
      expect(await invokeOps('opsIncidents', 'status', { id, status: 'published' })).toMatchObject({ ok: false, error: { code: 'invalid_status' } });
      expect(await invokeOps('opsIncidents', 'list', { status: 'bogus' })).toMatchObject({ ok: false, error: { code: 'invalid_status' } });
      expect(await invokeOps('opsIncidents', 'show', { id: 'not an id' })).toMatchObject({ ok: false, error: { code: 'invalid_argument' } });
      expect(await invokeOps('opsIncidents', 'update', { id, message: 'x'.repeat(5001) })).toMatchObject({ ok: false, error: { code: 'invalid_argument' } });
    });
  });

  it('writes every incident ops action to the audit log with the caller as actor', async () => {
    // Prepare
    const { id } = (await env.send(submit(report()))).json;
    // Act
    await env.ops.show(id);
    await env.ops.ack(id, 'Frank');
    await env.ops.update(id, 'internal', false);
    await env.ops.status(id, 'closed');
    // Assess
    const entries: Array<{ actor: string; action: string }> = [];
    for await (const entry of auditStore().all()) if (entry.subject === id) entries.push(entry);
    expect(entries.map((e) => e.action)).toEqual(['incidents.show', 'incidents.ack', 'incidents.update', 'incidents.status']);
    expect(entries.every((e) => e.actor === 'local:test-engineer')).toBe(true);
  });

  it('lists incidents by status, newest first, without the reporter details', async () => {
    // Prepare: two reports a second apart (the clock is pinned so their order is certain).
    const start = Date.now();
    setClock(start - 2000);
    const a = (await env.send(submit(report()))).json.id;
    setClock(start - 1000);
    const b = (await env.send(submit(report()))).json.id;
    setClock(undefined);
    // Act
    const { incidents } = await env.ops.list('received');
    // Assess
    const ids = incidents.map((i) => i.id);
    expect(ids.indexOf(b)).toBeLessThan(ids.indexOf(a));
    expect(ids.indexOf(a)).toBeGreaterThanOrEqual(0);
    expect(incidents.every((i) => i.status === 'received' && i.details === undefined && i.email === undefined)).toBe(true);
  });
});
