import { escalationCases, report, submit } from '../../cases/incidents.cases';
import { viaHandler, lambdaContext, loadHandler, functionName } from '../../support/http';
import { inProcessEnv } from '../../support/incidents-in-process';
import { mailContaining } from '../../support/incidents';
import { mailTo } from '../../support/mail';
import { invokeOps } from '../../support/ops';

const TEAM_LEAD = 'security-lead@helpshelf.test';

// Every case here moves the escalation clock past deadlines; they run in this one file, in order.
describe('incident escalation job, in-process against the emulator', () => {
  const env = inProcessEnv();
  const scheduled = (event: unknown) => loadHandler('escalateIncidents')(event, lambdaContext(functionName('escalateIncidents')));

  it.each(escalationCases.map((c) => [c.name, c] as const))('%s', async (_name, testCase) => {
    await testCase.run(env);
  });

  it('when the scheduled function runs twice at once past the deadline, the team lead gets one email', async () => {
    // Prepare
    const { id, acknowledgeBy } = (await viaHandler(submit(report()))).json;
    const now = new Date(Date.parse(acknowledgeBy) + 60_000).toISOString();
    // Act
    const runs = (await Promise.all([scheduled({ now }), scheduled({ now }), env.ops.escalate(now)])) as Array<{ escalated: string[] }>;
    // Assess
    expect(runs.filter((r) => r.escalated.includes(id))).toHaveLength(1);
    expect(await mailContaining(TEAM_LEAD, id, mailTo)).toHaveLength(1);
  });

  it('when the scheduled function runs on the real clock, a fresh report is not escalated', async () => {
    const { id } = (await viaHandler(submit(report()))).json;
    const run = (await scheduled({ source: 'aws.events', 'detail-type': 'Scheduled Event' })) as { escalated: string[]; now: string };
    expect(run.escalated).not.toContain(id);
    expect(Math.abs(Date.parse(run.now) - Date.now())).toBeLessThan(60_000);
  });

  describe('outside the local stage', () => {
    const stage = process.env.STAGE;
    beforeEach(() => {
      process.env.STAGE = 'prod';
    });
    afterEach(() => {
      process.env.STAGE = stage;
    });

    it('when a scheduled event carries a clock override, the run is refused and nothing is escalated', async () => {
      // Prepare
      const { id } = (await viaHandler(submit(report()))).json;
      // Act + Assess
      await expect(scheduled({ now: '2099-01-01T00:00:00Z' })).rejects.toMatchObject({ code: 'now_override_refused' });
      const meta = (await env.table.byId(id)).find((i) => i.sk === 'META');
      expect(meta).toMatchObject({ status: 'received' });
      expect(meta!.escalatedAt).toBeUndefined();
    });
  });

  it('when the clock override is not an ISO time, it is refused', async () => {
    const outcome = await invokeOps('opsIncidents', 'escalate', { now: 'tomorrow' });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'invalid_now', status: 400 } });
  });
});
