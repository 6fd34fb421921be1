import { platformCases } from '../cases/platform.cases';
import { viaHttp } from '../support/http';

describe('platform routes, over HTTP against the local stage', () => {
  const send = viaHttp(process.env.E2E_BASE_URL!);
  it.each(platformCases.map((c) => [c.name, c] as const))('%s', async (_name, testCase) => {
    await testCase.run(send);
  });
});
