import { connectionsCases, expectNoProviderTokenInTables, type ConnectionsContext } from '../cases/connections.cases';
import { readyAccount } from '../cases/identity.cases';
import { issuedTokens } from '../../scripts/lib/social-provider';
import { bearer, connectDemo } from '../support/connections';
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

  it('npm run ops -- connections revoke-all --user ID --reason TEXT ends every connection of the customer, revoked at the provider, and refuses without a reason', async () => {
    const account = await readyAccount({ send: ctx.send, emulator: ctx.emulator });
    const seen = new Set((await issuedTokens(ctx.provider)).map((t) => t.value));
    const id = await connectDemo(ctx.send, account.token);
    const live = (await issuedTokens(ctx.provider)).filter((t) => t.active && !seen.has(t.value)).map((t) => t.value);

    const refused = await opsCli(['connections', 'revoke-all', '--user', account.userId, '--reason', 'because']);
    expect(refused.code).not.toBe(0);
    expect((await ctx.send({ method: 'GET', path: '/v1/connections', headers: bearer(account.token) })).json.connections).toHaveLength(1);

    const done = await opsCli(['connections', 'revoke-all', '--user', account.userId, '--reason', 'INC-2041 account takeover', '--json']);
    expect(done.code).toBe(0);
    expect(done.json).toEqual({ user: account.userId, connections: [{ connection: id, provider: 'demo', revokedAtProvider: true }] });
    expect((await ctx.send({ method: 'GET', path: '/v1/connections', headers: bearer(account.token) })).json.connections).toEqual([]);
    const after = await issuedTokens(ctx.provider);
    for (const value of live) expect(after.find((t) => t.value === value)?.active).toBe(false);
  });

  it('after everything above, no table holds any token the stand-in issued', async () => {
    expect(await expectNoProviderTokenInTables(ctx)).toBeGreaterThan(0);
  });
});
