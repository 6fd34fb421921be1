import { emailKey } from '../../../lib/identity/accounts';
import { dynamoLoginThrottle } from '../../../lib/identity/dynamo-login-throttle';
import { lockOf, login, mailsTo, newEmail, newIp, newPassword, readyAccount, TABLES } from '../../cases/identity.cases';
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

describe('issue 21 §3: POST /v1/sessions/unlock, a one-time code past the throttle', () => {
  const unlock = (email: string, ip = newIp()) => ctx.send({ method: 'POST', path: '/v1/sessions/unlock', body: { email }, sourceIp: ip });
  const signIn = (email: string, password: string, code?: string, ip = newIp()) => ctx.send({ method: 'POST', path: '/v1/sessions', body: { email, password, ...(code ? { code } : {}) }, sourceIp: ip });
  const codeIn = async (email: string) => {
    const found = (await mailsTo(ctx, email)).map((m) => /sign-in code is (\d{6,8})/.exec(m.body)?.[1]).filter(Boolean) as string[];
    return found.at(-1);
  };

  it('when a guesser has locked the account, the owner asks for a code and signs in with it from anywhere; the code works once', async () => {
    // Prepare: five wrong guesses (and one more) from the guesser's address
    const account = await readyAccount(ctx);
    const guesser = newIp();
    for (let i = 0; i < 6; i += 1) await signIn(account.email, `guess-${i}-${newPassword()}`, undefined, guesser);
    expect((await signIn(account.email, account.password)).status).toBe(429);
    // Act
    const asked = await unlock(account.email);
    const code = await codeIn(account.email);
    // Assess
    expect([asked.status, asked.json]).toEqual([202, { status: 'code_sent' }]);
    expect(code).toMatch(/^\d{8}$/);
    expect((await signIn(account.email, account.password, '00000000')).status).toBe(429);
    expect((await signIn(account.email, account.password, code)).status).toBe(201);
    expect((await signIn(account.email, account.password, code)).status).toBe(429);
  });

  it('a code spent with a wrong password is gone, and the guesser gets nothing new', async () => {
    const account = await readyAccount(ctx);
    const guesser = newIp();
    for (let i = 0; i < 6; i += 1) await signIn(account.email, `guess-${i}-${newPassword()}`, undefined, guesser);
    await unlock(account.email, guesser);
    const code = await codeIn(account.email);
    expect((await signIn(account.email, newPassword(), code, guesser)).status).toBe(401);
    expect((await signIn(account.email, account.password, code)).status).toBe(429);
  });

  it('answers a registered and an unregistered address alike, with the same AWS requests, and only the registered one gets a code', async () => {
    const account = await readyAccount(ctx);
    const nobody = newEmail('nobody');
    const { documentClient } = await import('../../../lib/platform/aws/dynamodb');
    const calls = async (email: string) => {
      const spy = jest.spyOn(documentClient, 'send');
      try {
        const res = await unlock(email);
        return { status: res.status, json: res.json, dynamodb: spy.mock.calls.map(([c]) => c.constructor.name) };
      } finally {
        spy.mockRestore();
      }
    };
    const registered = await calls(account.email);
    const unregistered = await calls(nobody);
    expect(unregistered).toEqual(registered);
    expect(registered.dynamodb).toEqual(['UpdateCommand', 'UpdateCommand', 'GetCommand', 'PutCommand']);
    expect(await codeIn(account.email)).toMatch(/^\d{8}$/);
    expect(await codeIn(nobody)).toBeUndefined();
    expect((await mailsTo(ctx, nobody)).length).toBe(1);
  });

  it('is rate-limited per address: a fourth request within the hour mails nothing and answers the same 202', async () => {
    const account = await readyAccount(ctx);
    for (let i = 0; i < 4; i += 1) expect((await unlock(account.email)).status).toBe(202);
    expect((await mailsTo(ctx, account.email)).filter((m) => /sign-in code is/.test(m.body))).toHaveLength(3);
  });
});

describe('issue 21 §5: a throttled transaction is not a failed condition', () => {
  it('when DynamoDB throttles the password change\'s transaction, the answer is 503 (not 409 "changed meanwhile") and the password stays', async () => {
    // Throttling is a failure the emulator cannot produce: the client answers it for every
    // transaction after the reservation.
    const account = await readyAccount(ctx);
    const hashBefore = (await lockOf(ctx, account.email))!.passwordHash;
    const { documentClient } = await import('../../../lib/platform/aws/dynamodb');
    const original = documentClient.send.bind(documentClient);
    let transactions = 0;
    const spy = jest.spyOn(documentClient, 'send').mockImplementation(((command: { constructor: { name: string } }) => {
      if (command.constructor.name === 'TransactWriteCommand' && ++transactions > 1) {
        return Promise.reject(Object.assign(new Error('Transaction cancelled'), { name: 'TransactionCanceledException', CancellationReasons: [{ Code: 'ThrottlingError' }, { Code: 'None' }] }));
      }
      return original(command as never);
    }) as never);
    try {
      const change = await ctx.send({ method: 'POST', path: '/v1/password', headers: bearer(account.token), sourceIp: account.ip, body: { currentPassword: account.password, newPassword: newPassword() } });
      expect([change.status, change.json?.error?.code]).toEqual([503, 'service_unavailable']);
    } finally {
      spy.mockRestore();
    }
    expect((await lockOf(ctx, account.email))!.passwordHash).toBe(hashBefore);
  });
});
