import { readFileSync } from 'node:fs';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { escalationCases, incidentCases, report, submit, uniqueIp } from '../cases/incidents.cases';
import { mailContaining } from '../support/incidents';
import type { LocalStageState } from '../../scripts/lib/local-stage';
import { viaHttp } from '../support/http';
import { cliOps, incidentTable, type IncidentTestEnv } from '../support/incidents';
import { mailTo } from '../support/mail';
import { opsCli } from '../support/ops';

// The same cases as the integration layer, over HTTP against the running local stage, with every
// ops action through the real CLI. The escalation cases move the job's clock (`incidents escalate
// --now`, local stage only) and run after the others, in this one file.
describe('incidents, over HTTP and the ops CLI against the local stage', () => {
  const env: IncidentTestEnv = {
    send: viaHttp(process.env.E2E_BASE_URL!),
    ops: cliOps(),
    mailTo: (address) => mailTo(address, process.env.E2E_EMULATOR_ENDPOINT),
    table: incidentTable(process.env.E2E_EMULATOR_ENDPOINT!),
  };

  // serverless-offline loads each function on its first request; on a loaded machine that cold
  // start can pass the 10 s function timeout (a 504). Load every incident route once before the
  // cases, so they test behaviour rather than this machine's load.
  beforeAll(async () => {
    const warmUps = [
      { method: 'GET', path: '/v1/incidents/inc_warmup' },
      { method: 'GET', path: '/v1/security/advisories' },
      { method: 'POST', path: '/v1/incidents', body: {}, sourceIp: uniqueIp() },
    ];
    await Promise.all(
      warmUps.map(async (request) => {
        for (let attempt = 0; attempt < 3 && (await env.send(request)).status === 504; attempt += 1);
      }),
    );
  }, 90_000);

  it.each(incidentCases.map((c) => [c.name, c] as const))('%s', async (_name, testCase) => {
    await testCase.run(env);
  });

  // The "done when" escalation; the in-time and reminder cases run in the integration layer only,
  // to keep this layer's CLI calls (about 1.5 s each) few.
  it.each(escalationCases.slice(0, 1).map((c) => [c.name, c] as const))('%s', async (_name, testCase) => {
    await testCase.run(env);
  });

  it('when the scheduled escalation function itself is invoked with a clock past acknowledgeBy, it escalates once', async () => {
    // Prepare
    const state = JSON.parse(readFileSync(process.env.E2E_STATE_FILE!, 'utf8')) as LocalStageState;
    const lambda = new LambdaClient({ region: state.region, endpoint: state.lambdaEndpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const { id, acknowledgeBy } = (await env.send(submit(report()))).json;
    const event = { source: 'aws.events', 'detail-type': 'Scheduled Event', now: new Date(Date.parse(acknowledgeBy) + 60_000).toISOString() };
    const invoke = async () => {
      const out = await lambda.send(new InvokeCommand({ FunctionName: 'helpshelf-local-escalateIncidents', Payload: Buffer.from(JSON.stringify(event)) }));
      expect(out.FunctionError).toBeUndefined();
      return JSON.parse(Buffer.from(out.Payload!).toString('utf8')) as { escalated: string[] };
    };
    // Act
    const runs = [await invoke(), await invoke()];
    // Assess
    expect(runs.map((r) => r.escalated.includes(id))).toEqual([true, false]);
    expect(await mailContaining('security-lead@helpshelf.test', id, env.mailTo)).toHaveLength(1);
  });

  it('prints the incident list for people as a table', async () => {
    const listed = await opsCli(['incidents', 'list', '--status', 'published']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^id\s+status\s+scope/);
  });
});
