import { emailKey } from '../../../lib/identity/accounts';
import { dynamoLoginThrottle } from '../../../lib/identity/dynamo-login-throttle';
import { lockOf, login, newIp, newPassword, readyAccount, TABLES } from '../../cases/identity.cases';
import { viaHandler } from '../../support/http';

/**
 * Issue 21 §3: the owner is never locked out by what other clients do. Through the real handlers
 * against the emulator; each test failed on the code before its fix.
 */
const ctx = { send: viaHandler, emulator: process.env.HELPSHELF_TEST_EMULATOR! };
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

describe('issue 21 §3: the owner keeps access', () => {
  it('when correct logins of the account are in flight elsewhere, the owner\'s password change from a signed-in session still goes through', async () => {
    // Prepare: logins from six other addresses (someone holding a stolen password) are in flight:
    // five have reserved their attempts and are hashing (the account counter holds them until
    // they settle), the sixth finds the allowance taken
    const account = await readyAccount(ctx);
    const throttle = dynamoLoginThrottle(TABLES.rateLimits);
    const inFlight = [];
    for (let i = 0; i < 6; i += 1) inFlight.push(await throttle.reserve(emailKey(account.email), newIp(), Date.now()));
    expect(inFlight.map((r) => 'reservation' in r)).toEqual([true, true, true, true, true, false]);
    // Act: the owner, signed in, changes the password from a network it has not logged in from
    const next = newPassword();
    const change = await ctx.send({ method: 'POST', path: '/v1/password', headers: bearer(account.token), sourceIp: newIp(), body: { currentPassword: account.password, newPassword: next } });
    // Assess
    expect(change.status).toBe(204);
    expect((await lockOf(ctx, account.email))!.credentialVersion).toBe(2);
    expect((await login(ctx, account.email, next, account.ip)).status).toBe(201);
  });

  it('a session\'s own wrong current passwords are what throttle its change: five, then 429, while another session of the owner still changes it', async () => {
    const account = await readyAccount(ctx);
    const other = (await login(ctx, account.email, account.password, account.ip)).json.token as string;
    const ip = newIp();
    const guess = () => ctx.send({ method: 'POST', path: '/v1/password', headers: bearer(account.token), sourceIp: ip, body: { currentPassword: `x-${newPassword()}`, newPassword: newPassword() } });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) statuses.push((await guess()).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    const change = await ctx.send({ method: 'POST', path: '/v1/password', headers: bearer(other), sourceIp: newIp(), body: { currentPassword: account.password, newPassword: newPassword() } });
    expect(change.status).toBe(204);
  });
});
