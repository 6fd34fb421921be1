import { incidentCases } from '../../cases/incidents.cases';
import { inProcessEnv } from '../../support/incidents-in-process';

describe('incident routes and ops actions, in-process against the emulator', () => {
  const env = inProcessEnv();
  it.each(incidentCases.map((c) => [c.name, c] as const))('%s', async (_name, testCase) => {
    await testCase.run(env);
  });
});
