import { documentClient } from '../../../lib/platform/aws/dynamodb';
import { secretsManagerClient } from '../../../lib/platform/aws/secrets-manager';
import { sesClient } from '../../../lib/platform/aws/ses';
import { createToken, login, mailedToken, me, newEmail, newIp, newPassword, readyAccount, signup } from '../../cases/identity.cases';
import { viaHandler } from '../../support/http';

const ctx = { send: viaHandler, emulator: process.env.HELPSHELF_TEST_EMULATOR! };
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
/** A fresh login session of a ready account (its earlier tokens revoked). */
async function readyLogin(account: { email: string; password: string; ip: string }): Promise<string> {
  const res = await login(ctx, account.email, account.password, account.ip);
  expect(res.status).toBe(201);
  return res.json.token as string;
}

/** Counts the AWS requests the handlers make (DynamoDB, SES, Secrets Manager) during `act`. */
async function awsCalls(act: () => Promise<unknown>): Promise<{ dynamodb: string[]; ses: number; secrets: number }> {
  const dynamo = jest.spyOn(documentClient, 'send');
  const ses = jest.spyOn(sesClient, 'send');
  const sm = jest.spyOn(secretsManagerClient, 'send');
  try {
    await act();
    return { dynamodb: dynamo.mock.calls.map(([command]) => command.constructor.name), ses: ses.mock.calls.length, secrets: sm.mock.calls.length };
  } finally {
    dynamo.mockRestore();
    ses.mockRestore();
    sm.mockRestore();
  }
}

describe('AWS requests per identity call (warm function)', () => {
  it('a login is three DynamoDB requests (reserve, one read, one write), and an unknown email or a wrong password makes the same three', async () => {
    const account = await readyAccount(ctx);
    const ok = await awsCalls(async () => expect((await login(ctx, account.email, account.password, newIp())).status).toBe(201));
    const wrong = await awsCalls(async () => expect((await login(ctx, account.email, `${account.password}x`, newIp())).status).toBe(401));
    const unknown = await awsCalls(async () => expect((await login(ctx, newEmail('nobody'), account.password, newIp())).status).toBe(401));
    const three = { dynamodb: ['TransactWriteCommand', 'BatchGetCommand', 'TransactWriteCommand'], ses: 0, secrets: 0 };
    expect(ok).toEqual(three);
    expect(wrong).toEqual(three);
    expect(unknown).toEqual(three);
  });

  it('GET /v1/me is one DynamoDB request (token, mark and user read together) plus at most one last-used write', async () => {
    const account = await readyAccount(ctx);
    const first = await awsCalls(() => me(ctx, account.token));
    const second = await awsCalls(() => me(ctx, account.token));
    expect(first.dynamodb).toEqual(['BatchGetCommand', 'UpdateCommand']);
    expect(second.dynamodb).toEqual(['BatchGetCommand']);
  });

  it('revoking one token, and revoking all, is two DynamoDB requests each', async () => {
    const account = await readyAccount(ctx);
    const pat = await createToken(ctx, account.token);
    const one = await awsCalls(() => ctx.send({ method: 'DELETE', path: `/v1/tokens/${pat.json.id}`, headers: bearer(account.token) }));
    const all = await awsCalls(() => ctx.send({ method: 'POST', path: '/v1/tokens/revoke-all', headers: bearer(account.token) }));
    expect(one.dynamodb).toEqual(['BatchGetCommand', 'DeleteCommand']);
    expect(all.dynamodb).toEqual(['BatchGetCommand', 'TransactWriteCommand']);
  });

  it('a signup is two DynamoDB requests (rate limit, one transaction) and the email, registered address or not; a pending address one more write', async () => {
    await signup(ctx, { email: newEmail('warm'), password: newPassword() }); // warm: pepper cached
    const account = await readyAccount(ctx);
    const pending = newEmail('pending');
    await signup(ctx, { email: pending, password: newPassword() });
    const fresh = await awsCalls(() => signup(ctx, { email: newEmail('count'), password: newPassword() }));
    const taken = await awsCalls(() => signup(ctx, { email: account.email, password: newPassword() }));
    const replaced = await awsCalls(() => signup(ctx, { email: pending, password: newPassword() }));
    expect(fresh).toEqual({ dynamodb: ['UpdateCommand', 'TransactWriteCommand'], ses: 1, secrets: 0 });
    expect(taken).toEqual(fresh);
    expect(replaced).toEqual({ dynamodb: ['UpdateCommand', 'TransactWriteCommand', 'TransactWriteCommand'], ses: 1, secrets: 0 });
  });

  it('creating an access token is two DynamoDB requests (the authenticated read carries the mark and its map of personal tokens; one transaction); only a map that is absent or full costs the Query', async () => {
    const account = await readyAccount(ctx);
    await me(ctx, account.token); // its last-used write (once a minute) is not this route's
    // The first creation after verification builds the map from a Query of the partition.
    const first = await awsCalls(async () => expect((await createToken(ctx, account.token)).status).toBe(201));
    expect(first.dynamodb).toEqual(['BatchGetCommand', 'QueryCommand', 'TransactWriteCommand']);
    const next = await awsCalls(async () => expect((await createToken(ctx, account.token)).status).toBe(201));
    expect(next).toEqual({ dynamodb: ['BatchGetCommand', 'TransactWriteCommand'], ses: 0, secrets: 0 });
    // A password change (with a session) or revoke-all rewrites the mark with an empty map: still two.
    const all = await ctx.send({ method: 'POST', path: '/v1/tokens/revoke-all', headers: bearer(account.token) });
    expect(all.status).toBe(204);
    const again = await readyLogin(account);
    await me(ctx, again);
    const afterRevokeAll = await awsCalls(async () => expect((await createToken(ctx, again)).status).toBe(201));
    expect(afterRevokeAll.dynamodb).toEqual(['BatchGetCommand', 'TransactWriteCommand']);
  });

  it('a password change is four DynamoDB requests (authenticated read, reservation, credential read, one transaction with the settlement), and a wrong current password the same four', async () => {
    const account = await readyAccount(ctx);
    await me(ctx, account.token); // its last-used write (once a minute) is not this route's
    const change = (currentPassword: string) =>
      ctx.send({ method: 'POST', path: '/v1/password', headers: bearer(account.token), body: { currentPassword, newPassword: newPassword() }, sourceIp: account.ip });
    const wrong = await awsCalls(async () => expect((await change(`${account.password}x`)).status).toBe(401));
    const ok = await awsCalls(async () => expect((await change(account.password)).status).toBe(204));
    const four = { dynamodb: ['BatchGetCommand', 'TransactWriteCommand', 'BatchGetCommand', 'TransactWriteCommand'], ses: 0, secrets: 0 };
    expect(ok).toEqual(four);
    expect(wrong).toEqual(four);
  });

  it('a reset request makes the same AWS requests for a registered and an unregistered address (issue 21 §3: the registered one made one write more)', async () => {
    const account = await readyAccount(ctx);
    const request = (email: string) => ctx.send({ method: 'POST', path: '/v1/password/reset-request', body: { email }, sourceIp: newIp() });
    const registered = await awsCalls(async () => expect((await request(account.email)).status).toBe(202));
    const unregistered = await awsCalls(async () => expect((await request(newEmail('nobody'))).status).toBe(202));
    expect(unregistered).toEqual(registered);
    expect(registered).toEqual({ dynamodb: ['UpdateCommand', 'UpdateCommand', 'GetCommand', 'PutCommand'], ses: 1, secrets: 0 });
  });

  it('a signup verification is four DynamoDB requests (the link, the throttle reservation, the counters, one transaction), a wrong password the same four; a used link one', async () => {
    const email = newEmail('verify');
    const password = newPassword();
    await signup(ctx, { email, password });
    const token = await mailedToken(ctx, email, 'vrf');
    const wrong = await awsCalls(async () => expect((await ctx.send({ method: 'POST', path: '/v1/signup/verify', body: { token, password: `${password}x` } })).status).toBe(400));
    const ok = await awsCalls(async () => expect((await ctx.send({ method: 'POST', path: '/v1/signup/verify', body: { token, password } })).status).toBe(200));
    const used = await awsCalls(async () => expect((await ctx.send({ method: 'POST', path: '/v1/signup/verify', body: { token, password } })).status).toBe(400));
    const four = { dynamodb: ['GetCommand', 'TransactWriteCommand', 'BatchGetCommand', 'TransactWriteCommand'], ses: 0, secrets: 0 };
    expect(ok).toEqual(four);
    expect(wrong).toEqual(four);
    expect(used).toEqual({ dynamodb: ['GetCommand'], ses: 0, secrets: 0 });
  });

  describe('transaction conflicts (real DynamoDB cancels a transaction racing another on the same item; moto never does)', () => {
    const conflict = () =>
      Object.assign(new Error('Transaction cancelled [None, TransactionConflict, None]'), {
        name: 'TransactionCanceledException',
        CancellationReasons: [{ Code: 'None' }, { Code: 'TransactionConflict' }, { Code: 'None' }],
      });
    /** The first `times` TransactWriteItems are cancelled with a conflict; the count of them all. */
    function conflicting(times: number) {
      const send = documentClient.send.bind(documentClient) as (command: unknown) => Promise<unknown>;
      const seen = { transactions: 0 };
      const spy = jest.spyOn(documentClient, 'send').mockImplementation((async (command: { constructor: { name: string } }) => {
        if (command.constructor.name !== 'TransactWriteCommand') return send(command);
        seen.transactions += 1;
        if (seen.transactions <= times) throw conflict();
        return send(command);
      }) as never);
      return { seen, restore: () => spy.mockRestore() };
    }

    it('a signup cancelled twice by a conflict runs its transaction again and is created; cancelled every time, it answers 503 after 5 runs', async () => {
      await signup(ctx, { email: newEmail('warm'), password: newPassword() }); // warm: pepper cached
      const twice = conflicting(2);
      try {
        expect((await signup(ctx, { email: newEmail('conflict'), password: newPassword() })).status).toBe(202);
      } finally {
        twice.restore();
      }
      expect(twice.seen.transactions).toBe(3);
      const always = conflicting(Number.POSITIVE_INFINITY);
      try {
        const res = await signup(ctx, { email: newEmail('conflict'), password: newPassword() });
        expect([res.status, res.json?.error?.code]).toEqual([503, 'service_unavailable']);
      } finally {
        always.restore();
      }
      expect(always.seen.transactions).toBe(5);
    });

    it('a revoke-all cancelled by a conflict runs again; cancelled on all 4 runs, another transaction won: 409 conflict, as before', async () => {
      const account = await readyAccount(ctx);
      const once = conflicting(1);
      try {
        expect((await ctx.send({ method: 'POST', path: '/v1/tokens/revoke-all', headers: bearer(account.token) })).status).toBe(204);
      } finally {
        once.restore();
      }
      expect(once.seen.transactions).toBe(2);
      const other = await readyAccount(ctx);
      const always = conflicting(Number.POSITIVE_INFINITY);
      try {
        const res = await ctx.send({ method: 'POST', path: '/v1/tokens/revoke-all', headers: bearer(other.token) });
        expect([res.status, res.json?.error?.code]).toEqual([409, 'conflict']);
      } finally {
        always.restore();
      }
      expect(always.seen.transactions).toBe(4);
    });
  });
});
