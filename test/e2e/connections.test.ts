import { connectionsCases, expectNoProviderTokenInTables, type ConnectionsContext } from '../cases/connections.cases';
import { readyAccount } from '../cases/identity.cases';
import { connectDemo } from '../support/connections';
import { viaHttp } from '../support/http';
import { opsCli } from '../support/ops';

/** The same cases over HTTP against a real local stage (serverless-offline, emulator, stand-in provider). */
const ctx: ConnectionsContext = {
  send: viaHttp(process.env.E2E_BASE_URL!),
  emulator: process.env.E2E_EMULATOR_ENDPOINT!,
  provider: process.env.E2E_SOCIAL_PROVIDER!,
};

describe('connected social accounts, against the local stage', () => {
  jest.setTimeout(90_000);

  it.each(connectionsCases.map((c) => [c.name, c] as const))('%s', async (_name, testCase) => {
    await testCase.run(ctx);
  });

  it('after everything above, no table holds any token the stand-in issued', async () => {
    expect(await expectNoProviderTokenInTables(ctx)).toBeGreaterThan(0);
  });
});
