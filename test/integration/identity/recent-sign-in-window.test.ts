// A short window, set before any handler loads (each test file has its own module registry).
process.env.RECENT_SIGN_IN_SECONDS = '2';

import { readyAccount, newPassword } from '../../cases/identity.cases';
import { enrolTotp, codeFor, expectError } from '../../cases/mfa.cases';
import { viaHandler } from '../../support/http';

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
/** Past the 2-second window (a wait for the clock, not an assertion on time). */
const stale = () => new Promise((resolve) => setTimeout(resolve, 2_100));

describe('recent sign-in with RECENT_SIGN_IN_SECONDS=2', () => {
  const ctx = { send: viaHandler, emulator: process.env.HELPSHELF_TEST_EMULATOR! };

  it('each listed route answers 403 recent_sign_in_required once the window has passed, changes nothing, and works after POST /v1/sessions/confirm', async () => {
    // Prepare
    const account = await readyAccount(ctx);
    let password = account.password;
    const confirm = (body: Record<string, string>) => ctx.send({ method: 'POST', path: '/v1/sessions/confirm', headers: bearer(account.token), body, sourceIp: account.ip });
    const routes: Array<[string, () => ReturnType<typeof viaHandler>, number]> = [
      ['POST /v1/tokens', () => ctx.send({ method: 'POST', path: '/v1/tokens', headers: bearer(account.token), body: { name: 'ci' } }), 201],
      ['POST /v1/connections', () => ctx.send({ method: 'POST', path: '/v1/connections', headers: bearer(account.token), body: { provider: 'demo' } }), 201],
      ['POST /v1/mfa/totp', () => ctx.send({ method: 'POST', path: '/v1/mfa/totp', headers: bearer(account.token) }), 201],
      ['DELETE /v1/mfa/totp', () => ctx.send({ method: 'DELETE', path: '/v1/mfa/totp', headers: bearer(account.token) }), 204],
      [
        'POST /v1/password',
        () => {
          const next = newPassword();
          const sent = ctx.send({ method: 'POST', path: '/v1/password', headers: bearer(account.token), body: { currentPassword: password, newPassword: next }, sourceIp: account.ip });
          return sent.then((res) => {
            if (res.status === 204) password = next;
            return res;
          });
        },
        204,
      ],
    ];
    for (const [name, call, success] of routes) {
      await stale();
      // Act / Assess: refused after the window
      const refused = await call();
      expect({ route: name, status: refused.status, code: refused.json?.error?.code }).toEqual({ route: name, status: 403, code: 'recent_sign_in_required' });
      // Confirmed with the password, the same call works
      expect((await confirm({ password })).status).toBe(204);
      expect({ route: name, status: (await call()).status }).toEqual({ route: name, status: success });
    }
  });

  it('a code of the authenticator app confirms the session too, once', async () => {
    const account = await readyAccount(ctx);
    const { secret } = await enrolTotp(ctx, account.token);
    await stale();
    expectError(await ctx.send({ method: 'DELETE', path: '/v1/mfa/totp', headers: bearer(account.token) }), 403, 'recent_sign_in_required');
    const code = codeFor(secret, 1);
    expect((await ctx.send({ method: 'POST', path: '/v1/sessions/confirm', headers: bearer(account.token), body: { otp: code } })).status).toBe(204);
    expectError(await ctx.send({ method: 'POST', path: '/v1/sessions/confirm', headers: bearer(account.token), body: { otp: code } }), 401, 'invalid_credentials');
    expect((await ctx.send({ method: 'DELETE', path: '/v1/mfa/totp', headers: bearer(account.token) })).status).toBe(204);
  });
});
