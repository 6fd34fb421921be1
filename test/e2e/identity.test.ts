import { identityCases, login, me, newEmail, newIp, newPassword, signup, type IdentityContext } from '../cases/identity.cases';
import { viaHttp } from '../support/http';
import { opsCli } from '../support/ops';

const ctx: IdentityContext = { send: viaHttp(process.env.E2E_BASE_URL!), emulator: process.env.E2E_EMULATOR_ENDPOINT! };
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

describe('identity routes, over HTTP against the local stage', () => {
  it.each(identityCases.map((c) => [c.name, c] as const))('%s', async (_name, testCase) => {
    await testCase.run(ctx);
  });

  it('a new user reads the verification mail with the ops CLI, verifies, logs in and uses the API', async () => {
    // Prepare
    const email = newEmail('cli');
    const password = newPassword();
    const ip = newIp();
    expect((await signup(ctx, { email, password }, ip)).status).toBe(202);
    // Act: read the mail the way an engineer would
    const mail = await opsCli(['mail', 'list', '--to', email, '--json']);
    expect(mail.code).toBe(0);
    const token = /hs_vrf_[A-Za-z0-9_-]+/.exec(mail.json.messages[0].body)?.[0];
    expect(token).toBeDefined();
    // Assess
    expect((await ctx.send({ method: 'POST', path: '/v1/signup/verify', body: { token, password } })).status).toBe(200);
    const session = await login(ctx, email, password, ip);
    expect(session.status).toBe(201);
    expect((await me(ctx, session.json.token)).json.email).toBe(email);
  });

  it('when a token is revoked while requests are in flight, every request sent after the revocation answered is 401', async () => {
    // Prepare
    const email = newEmail('inflight');
    const password = newPassword();
    const ip = newIp();
    await signup(ctx, { email, password }, ip);
    const mail = await opsCli(['mail', 'list', '--to', email, '--json']);
    await ctx.send({ method: 'POST', path: '/v1/signup/verify', body: { token: /hs_vrf_[A-Za-z0-9_-]+/.exec(mail.json.messages[0].body)![0], password } });
    const session = (await login(ctx, email, password, ip)).json.token as string;
    const pat = (await ctx.send({ method: 'POST', path: '/v1/tokens', headers: bearer(session), body: { name: 'busy' } })).json;
    // Act: a stream of requests with the token, and the revocation in the middle of it.
    let revokedAt = Number.POSITIVE_INFINITY;
    const results: Array<{ sentAt: number; status: number }> = [];
    let stop = false;
    const worker = async () => {
      while (!stop) {
        const sentAt = performance.now();
        const res = await me(ctx, pat.token);
        results.push({ sentAt, status: res.status });
      }
    };
    const until = async (condition: () => boolean) => {
      const deadline = performance.now() + 20_000;
      while (!condition() && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    };
    const workers = [worker(), worker(), worker()];
    await until(() => results.length >= 3);
    const revoke = await ctx.send({ method: 'DELETE', path: `/v1/tokens/${pat.id}`, headers: bearer(session) });
    revokedAt = performance.now();
    await until(() => results.filter((r) => r.sentAt >= revokedAt).length >= 6);
    stop = true;
    await Promise.all(workers);
    // Assess
    expect(revoke.status).toBe(204);
    const before = results.filter((r) => r.sentAt < revokedAt);
    const after = results.filter((r) => r.sentAt >= revokedAt);
    expect(before.length).toBeGreaterThan(0);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((r) => r.status === 401)).toBe(true);
    expect(before.every((r) => r.status === 200 || r.status === 401)).toBe(true);
    // The session that revoked it still works; then revoke-all cuts it off at once too.
    expect((await me(ctx, session)).status).toBe(200);
    expect((await ctx.send({ method: 'POST', path: '/v1/tokens/revoke-all', headers: bearer(session) })).status).toBe(204);
    expect((await me(ctx, session)).status).toBe(401);
  });
});
