import { setClock } from '../../../lib/platform/time';
import { createToken, lockOf, login, mailedToken, mailsTo, me, newEmail, newIp, newPassword, readyAccount, signup } from '../../cases/identity.cases';
import { viaHandler, type TestResponse } from '../../support/http';

/**
 * The attacks of issue 13 (items 1–5), each reproduced through the real handlers in-process
 * against the emulator. Every test here failed on the code before the fix.
 */
const ctx = { send: viaHandler, emulator: process.env.HELPSHELF_TEST_EMULATOR! };
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every token a mail to `address` carried, of a kind, oldest first. */
async function allMailed(address: string, kind: 'vrf' | 'rst'): Promise<string[]> {
  const pattern = new RegExp(`hs_${kind}_[A-Za-z0-9_-]+`);
  return (await mailsTo(ctx, address)).map((m) => pattern.exec(m.body)?.[0]).filter(Boolean) as string[];
}

function statusCounts(responses: TestResponse[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const r of responses) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return counts;
}

/** Logins with `password` in `lanes` parallel loops until `stop()` says so; the session tokens obtained. */
function keepLoggingIn(email: string, password: string, lanes: number) {
  let running = true;
  const obtained: string[] = [];
  const loops = Array.from({ length: lanes }, async (_, lane) => {
    const ip = newIp(); // one address per lane, so the per-IP counter is not what stops them
    for (let i = 0; running && i < 200; i += 1) {
      const res = await login(ctx, email, password, ip);
      if (res.status === 201) obtained.push(res.json.token as string);
      if (res.status === 429) await sleep(50 + lane);
    }
  });
  return {
    obtained,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

describe('issue 13, credentials and sessions: the attacks, reproduced', () => {
  afterEach(() => setClock(undefined));

  describe('1. a login racing a password reset or change', () => {
    it('when logins with the old password run while a reset commits, no token they obtained works after the reset answered', async () => {
      // Prepare
      const account = await readyAccount(ctx);
      await ctx.send({ method: 'POST', path: '/v1/password/reset-request', body: { email: account.email } });
      const token = await mailedToken(ctx, account.email, 'rst');
      const logins = keepLoggingIn(account.email, account.password, 4);
      await sleep(300);
      // Act
      const reset = await ctx.send({ method: 'POST', path: '/v1/password/reset', body: { token, newPassword: newPassword() } });
      await sleep(300);
      await logins.stop();
      // Assess
      expect(reset.status).toBe(204);
      expect(logins.obtained.length).toBeGreaterThan(0); // the race ran: logins succeeded before the reset
      const after = await Promise.all(logins.obtained.map((t) => me(ctx, t)));
      expect(statusCounts(after)).toEqual({ 401: logins.obtained.length });
    });

    it('when logins with the old password run while a password change commits, only the changing session keeps working', async () => {
      // Prepare
      const account = await readyAccount(ctx);
      const logins = keepLoggingIn(account.email, account.password, 4);
      await sleep(300);
      // Act
      const change = await ctx.send({
        method: 'POST', path: '/v1/password', headers: bearer(account.token), sourceIp: account.ip,
        body: { currentPassword: account.password, newPassword: newPassword() },
      });
      await sleep(300);
      await logins.stop();
      // Assess
      expect(change.status).toBe(204);
      expect(logins.obtained.length).toBeGreaterThan(0);
      const after = await Promise.all(logins.obtained.map((t) => me(ctx, t)));
      expect(statusCounts(after)).toEqual({ 401: logins.obtained.length });
      expect((await me(ctx, account.token)).status).toBe(200);
    });
  });

  describe('2. concurrent guesses against the throttle', () => {
    it('when 30 wrong passwords for one account arrive at once from one fresh IP, at most the 5 free ones are checked', async () => {
      const account = await readyAccount(ctx);
      const ip = newIp();
      const results = await Promise.all(Array.from({ length: 30 }, () => login(ctx, account.email, `${account.password}-guess`, ip)));
      const counts = statusCounts(results);
      expect(counts[401]).toBeLessThanOrEqual(5);
      expect((counts[401] ?? 0) + (counts[429] ?? 0)).toBe(30);
    });

    it('when one IP sends 30 wrong logins at once, each for another account, at most the 20 free ones are checked', async () => {
      const ip = newIp();
      const results = await Promise.all(Array.from({ length: 30 }, () => login(ctx, newEmail('spray'), newPassword(), ip)));
      const counts = statusCounts(results);
      expect(counts[401]).toBeLessThanOrEqual(20);
      expect((counts[401] ?? 0) + (counts[429] ?? 0)).toBe(30);
    });

    it('when a stolen session sends 30 current-password guesses to POST /v1/password at once, at most 5 are checked and the password stays', async () => {
      const account = await readyAccount(ctx);
      const hashBefore = (await lockOf(ctx, account.email))!.passwordHash;
      const ip = newIp();
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          ctx.send({ method: 'POST', path: '/v1/password', headers: bearer(account.token), sourceIp: ip, body: { currentPassword: `guess-${i}-${account.password}`, newPassword: newPassword() } }),
        ),
      );
      const counts = statusCounts(results);
      expect(counts[401]).toBeLessThanOrEqual(5);
      expect((counts[401] ?? 0) + (counts[429] ?? 0)).toBe(30);
      expect((await lockOf(ctx, account.email))!.passwordHash).toBe(hashBefore);
    });
  });

  describe('3. signup then login does not tell registered emails apart; pending accounts', () => {
    it('when someone signs up with a random password and logs in with it, a registered and a new email answer alike', async () => {
      const registered = await readyAccount(ctx);
      const fresh = newEmail('probe');
      const answers: TestResponse[] = [];
      for (const email of [registered.email, fresh]) {
        const password = newPassword();
        const ip = newIp();
        expect((await signup(ctx, { email, password }, ip)).status).toBe(202);
        answers.push(await login(ctx, email, password, ip));
      }
      expect(answers.map((a) => [a.status, a.json])).toEqual([
        [401, { error: { code: 'invalid_credentials', message: expect.any(String) } }],
        [401, answers[0].json],
      ]);
    });

    it('when an unverified account logs in with its password, its owner gets a fresh link, at most one per 10 minutes', async () => {
      const email = newEmail('fresh-link');
      const password = newPassword();
      await signup(ctx, { email, password });
      const t0 = Date.now();
      expect((await login(ctx, email, password)).status).toBe(401);
      expect(await allMailed(email, 'vrf')).toHaveLength(1); // the signup's own mail was just sent
      setClock(t0 + 11 * 60_000);
      expect((await login(ctx, email, password)).status).toBe(401);
      expect((await login(ctx, email, password)).status).toBe(401);
      const links = await allMailed(email, 'vrf');
      expect(links).toHaveLength(2);
      expect((await ctx.send({ method: 'POST', path: '/v1/signup/verify', body: { token: links[1], password } })).status).toBe(200);
      expect((await login(ctx, email, password)).status).toBe(201);
    });

    it('when someone squats an address, the owner\'s later signup gets its own link, and verifying it ends the squatter\'s', async () => {
      const email = newEmail('squat');
      const squatter = newPassword();
      const owner = newPassword();
      await signup(ctx, { email, password: squatter });
      const [squatterLink] = await allMailed(email, 'vrf');
      // Act: the owner signs up too, and follows the newest link
      expect((await signup(ctx, { email, password: owner, name: 'Owner' })).status).toBe(202);
      const links = await allMailed(email, 'vrf');
      expect(links).toHaveLength(2);
      // (issue 21: a link verifies only with its own signup's password)
      expect((await ctx.send({ method: 'POST', path: '/v1/signup/verify', body: { token: squatterLink, password: owner } })).status).toBe(400);
      expect((await ctx.send({ method: 'POST', path: '/v1/signup/verify', body: { token: links[1], password: owner } })).status).toBe(200);
      expect((await ctx.send({ method: 'POST', path: '/v1/signup/verify', body: { token: squatterLink, password: squatter } })).status).toBe(400);
      // Assess
      expect((await login(ctx, email, squatter)).status).toBe(401);
      const session = await login(ctx, email, owner);
      expect(session.status).toBe(201);
      expect((await me(ctx, session.json.token)).json).toMatchObject({ email, name: 'Owner' });
    });

    it('when an account stays unverified for 7 days, its password stops working and the address can be signed up anew', async () => {
      const email = newEmail('expire');
      const first = newPassword();
      await signup(ctx, { email, password: first });
      const { userId } = (await lockOf(ctx, email))!;
      setClock(Date.now() + 7 * 86_400_000 + 60_000);
      expect((await login(ctx, email, first)).status).toBe(401);
      expect(await allMailed(email, 'vrf')).toHaveLength(1); // an expired account gets no fresh link
      const second = newPassword();
      expect((await signup(ctx, { email, password: second })).status).toBe(202);
      const links = await allMailed(email, 'vrf');
      expect(links).toHaveLength(2);
      expect((await ctx.send({ method: 'POST', path: '/v1/signup/verify', body: { token: links[1], password: second } })).status).toBe(200);
      expect((await login(ctx, email, first)).status).toBe(401);
      expect((await login(ctx, email, second)).status).toBe(201);
      expect((await lockOf(ctx, email))!.userId).toBe(userId);
    });
  });

  describe('4. older reset tokens', () => {
    it('when two resets were requested and the first was used, the second no longer resets', async () => {
      const account = await readyAccount(ctx);
      for (let i = 0; i < 2; i += 1) await ctx.send({ method: 'POST', path: '/v1/password/reset-request', body: { email: account.email } });
      const [first, second] = await allMailed(account.email, 'rst');
      const next = newPassword();
      expect((await ctx.send({ method: 'POST', path: '/v1/password/reset', body: { token: first, newPassword: next } })).status).toBe(204);
      const res = await ctx.send({ method: 'POST', path: '/v1/password/reset', body: { token: second, newPassword: newPassword() } });
      expect([res.status, res.json?.error?.code]).toEqual([400, 'invalid_token']);
      expect((await login(ctx, account.email, next, account.ip)).status).toBe(201);
    });

    it('when a reset token was issued before a password change, it no longer resets after it', async () => {
      const account = await readyAccount(ctx);
      await ctx.send({ method: 'POST', path: '/v1/password/reset-request', body: { email: account.email } });
      const token = await mailedToken(ctx, account.email, 'rst');
      const changed = newPassword();
      const change = await ctx.send({ method: 'POST', path: '/v1/password', headers: bearer(account.token), sourceIp: account.ip, body: { currentPassword: account.password, newPassword: changed } });
      expect(change.status).toBe(204);
      const res = await ctx.send({ method: 'POST', path: '/v1/password/reset', body: { token, newPassword: newPassword() } });
      expect([res.status, res.json?.error?.code]).toEqual([400, 'invalid_token']);
      expect((await login(ctx, account.email, changed, account.ip)).status).toBe(201);
    });
  });

  describe('5. tokens minted by tokens', () => {
    it('when an access token asks for another access token, it is 403 session_required and nothing is created', async () => {
      const account = await readyAccount(ctx);
      const pat = await createToken(ctx, account.token, 'ci');
      expect(pat.status).toBe(201);
      const listed = async () => (await ctx.send({ method: 'GET', path: '/v1/tokens', headers: bearer(account.token) })).json.tokens.map((t: { id: string }) => t.id).sort();
      const before = await listed();
      const res = await createToken(ctx, pat.json.token, 'from a token');
      expect([res.status, res.json?.error?.code]).toEqual([403, 'session_required']);
      expect(res.text).not.toMatch(/hs_pat_/);
      expect(await listed()).toEqual(before);
    });

    it('when a user holds 50 access tokens, more are 409 too_many_tokens, also when 6 race for the last 2 places', async () => {
      // Prepare: 48 tokens, created concurrently (no creation below the cap has to retry)
      const account = await readyAccount(ctx);
      const first = await Promise.all(Array.from({ length: 48 }, (_, i) => createToken(ctx, account.token, `cap-${i}`)));
      expect(statusCounts(first)).toEqual({ 201: 48 });
      // Act: six race for the last two places
      const race = await Promise.all(Array.from({ length: 6 }, (_, i) => createToken(ctx, account.token, `race-${i}`)));
      // Assess
      expect(statusCounts(race)).toEqual({ 201: 2, 409: 4 });
      expect(race.filter((r) => r.status === 409).every((r) => r.json.error.code === 'too_many_tokens')).toBe(true);
      const listed = async () => (await ctx.send({ method: 'GET', path: '/v1/tokens?limit=100', headers: bearer(account.token) })).json.tokens.filter((t: { kind: string }) => t.kind === 'personal').length;
      expect(await listed()).toBe(50);
      // A revoked token frees its place.
      expect((await ctx.send({ method: 'DELETE', path: `/v1/tokens/${first[0].json.id}`, headers: bearer(account.token) })).status).toBe(204);
      expect((await createToken(ctx, account.token, 'after')).status).toBe(201);
      expect((await createToken(ctx, account.token, 'over')).status).toBe(409);
      expect(await listed()).toBe(50);
    });

    it('an access token cannot change the password (403 recent_sign_in_required, issue 23: it is never a recent sign-in); nothing changes and the cap of 50 still counts it', async () => {
      const account = await readyAccount(ctx);
      const pat = await createToken(ctx, account.token, 'changer');
      expect(pat.status).toBe(201);
      const newPw = newPassword();
      const changed = await ctx.send({ method: 'POST', path: '/v1/password', headers: bearer(pat.json.token), body: { currentPassword: account.password, newPassword: newPw }, sourceIp: account.ip });
      expect([changed.status, changed.json?.error?.code]).toEqual([403, 'recent_sign_in_required']);
      expect((await login(ctx, account.email, newPw, account.ip)).status).toBe(401);
      const session = await login(ctx, account.email, account.password, account.ip);
      expect(session.status).toBe(201);
      const more = await Promise.all(Array.from({ length: 49 }, (_, i) => createToken(ctx, session.json.token, `after-${i}`)));
      expect(statusCounts(more)).toEqual({ 201: 49 });
      const over = await createToken(ctx, session.json.token, 'over');
      expect([over.status, over.json?.error?.code]).toEqual([409, 'too_many_tokens']);
      expect((await ctx.send({ method: 'GET', path: '/v1/me', headers: bearer(pat.json.token) })).status).toBe(200);
    });

    it('GET /v1/tokens pages with ?limit= and cursor=, covering every token once; a bad limit or cursor is 400', async () => {
      const account = await readyAccount(ctx);
      const created = await Promise.all(Array.from({ length: 5 }, (_, i) => createToken(ctx, account.token, `page-${i}`)));
      const expected = [account.tokenId, ...created.map((c) => c.json.id as string)].sort();
      const seen: string[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 10; page += 1) {
        const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
        const res = await ctx.send({ method: 'GET', path: `/v1/tokens${query}`, headers: bearer(account.token) });
        expect(res.status).toBe(200);
        expect(res.json.tokens.length).toBeLessThanOrEqual(2);
        seen.push(...res.json.tokens.map((t: { id: string }) => t.id));
        cursor = res.json.nextCursor;
        if (!cursor) break;
      }
      expect(seen.sort()).toEqual(expected);
      for (const bad of ['?limit=0', '?limit=101', '?limit=abc', '?limit=1.5', '?cursor=not-a-cursor', `?cursor=${Buffer.from('USER#x').toString('base64url')}`]) {
        const res = await ctx.send({ method: 'GET', path: `/v1/tokens${bad}`, headers: bearer(account.token) });
        expect({ bad, status: res.status, code: res.json?.error?.code }).toEqual({ bad, status: 400, code: 'invalid_request' });
      }
    });
  });

  describe('login sessions are capped too (a user cannot grow a partition by logging in)', () => {
    it('when a user logs in more than 100 times, the oldest sessions end, also when 5 logins race for the last places: never more than 100 live', async () => {
      // Prepare: 96 more sessions beside readyAccount's, 4 logins at a time, each lane from its own address
      const account = await readyAccount(ctx);
      const ips = Array.from({ length: 5 }, () => newIp());
      const sessions: string[] = [account.token];
      for (let round = 0; round < 24; round += 1) {
        const batch = await Promise.all(ips.slice(0, 4).map((ip) => login(ctx, account.email, account.password, ip)));
        expect(statusCounts(batch)).toEqual({ 201: 4 });
        sessions.push(...batch.map((r) => r.json.token as string));
      }
      expect(sessions).toHaveLength(97);
      // Act: 5 race for the last 3 places (2 of the oldest must go)
      const race = await Promise.all(ips.map((ip) => login(ctx, account.email, account.password, ip)));
      // Assess: every login works (the newest always does) and exactly 100 sessions are alive
      expect(statusCounts(race)).toEqual({ 201: 5 });
      const newest = race.map((r) => r.json.token as string);
      const listed = async (token: string) => {
        const ids: string[] = [];
        let cursor: string | null = null;
        do {
          const res: TestResponse = await ctx.send({ method: 'GET', path: `/v1/tokens?limit=100${cursor ? `&cursor=${cursor}` : ''}`, headers: bearer(token) });
          ids.push(...res.json.tokens.filter((t: { kind: string }) => t.kind === 'session').map((t: { id: string }) => t.id));
          cursor = res.json.nextCursor;
        } while (cursor);
        return ids;
      };
      expect(await listed(newest[0])).toHaveLength(100);
      const alive = await Promise.all([...sessions, ...newest].map(async (token) => (await me(ctx, token)).status));
      // The two oldest ended: readyAccount's, and one of the first batch (its 4 committed in any order)
      expect(statusCounts(alive.map((status) => ({ status }) as TestResponse))).toEqual({ 200: 100, 401: 2 });
      expect(alive[0]).toBe(401);
      expect(alive.slice(1, 5).filter((status) => status === 401)).toHaveLength(1);
      // A login that evicts is still the three requests of every login (the eviction rides in the token's transaction).
      const { documentClient } = await import('../../../lib/platform/aws/dynamodb');
      const spy = jest.spyOn(documentClient, 'send');
      try {
        expect((await login(ctx, account.email, account.password, ips[0])).status).toBe(201);
        expect(spy.mock.calls.map(([command]) => command.constructor.name)).toEqual(['TransactWriteCommand', 'BatchGetCommand', 'TransactWriteCommand']);
      } finally {
        spy.mockRestore();
      }
    }, 120_000);
  });
});
