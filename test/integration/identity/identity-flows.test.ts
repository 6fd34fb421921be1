import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { argon2PasswordHasher, ARGON2_PARAMS, parsePepperSecret } from '../../../lib/identity/password-hasher';
import { newUserId } from '../../../lib/identity/token-format';
import { secrets } from '../../../lib/platform/secrets';
import { setClock } from '../../../lib/platform/time';
import { createToken, db, lockOf, login, mailsTo, me, newEmail, newIp, newPassword, readyAccount, signup, TABLES, userItem } from '../../cases/identity.cases';
import { viaHandler } from '../../support/http';

const ctx = { send: viaHandler, emulator: process.env.HELPSHELF_TEST_EMULATOR! };
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

describe('identity flows that need the clock or the tables (in-process)', () => {
  afterEach(() => setClock(undefined));

  it('when 50 signups of one email arrive at once, exactly one account exists and exactly one mailed link verifies it', async () => {
    // Prepare
    const email = newEmail('race');
    // Act
    const results = await Promise.all(Array.from({ length: 50 }, () => signup(ctx, { email, password: newPassword() })));
    // Assess
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(202));
    const lock = await lockOf(ctx, email);
    expect(lock?.userId).toMatch(/^usr_/);
    const mails = await mailsTo(ctx, email);
    expect(mails).toHaveLength(50);
    // Signups that found the account pending joined it, each with its own link (issue 21): one
    // more signup's link, with its own password, verifies the one account and ends the others.
    expect(mails.every((m) => /hs_vrf_[A-Za-z0-9_-]+/.test(m.body))).toBe(true);
    const password = newPassword();
    expect((await signup(ctx, { email, password })).status).toBe(202);
    const link = /hs_vrf_[A-Za-z0-9_-]+/.exec((await mailsTo(ctx, email)).at(-1)!.body)![0];
    expect((await ctx.send({ method: 'POST', path: '/v1/signup/verify', body: { token: link, password } })).status).toBe(200);
    expect(await lockOf(ctx, email)).toMatchObject({ userId: lock!.userId, emailVerified: true });
    expect((await lockOf(ctx, email))?.pendingSignups).toBeUndefined();
    expect((await userItem(ctx, lock!.userId))?.email).toBe(email);
    expect((await lockOf(ctx, email))?.userId).toBe(lock!.userId);
  });

  it('when failures pile up, the wait grows (429 + Retry-After), and it ends: no permanent lock-out', async () => {
    // Prepare
    const account = await readyAccount(ctx);
    const ip = newIp();
    setClock('2026-11-24T10:00:00Z');
    const wrong = () => login(ctx, account.email, 'not-the-password-at-all', ip);
    // Act: 5 free failures
    for (let i = 0; i < 5; i += 1) expect((await wrong()).status).toBe(401);
    const first = await wrong();
    // Assess
    expect(first.status).toBe(429);
    expect(first.json.error.code).toBe('too_many_attempts');
    expect(first.headers['retry-after']).toBe('1');
    // Each failure after a wait doubles the next wait.
    const waits: string[] = [];
    let t = Date.parse('2026-11-24T10:00:00Z');
    for (let i = 0; i < 4; i += 1) {
      t += 3_600_000 / 8; // well past any wait so far
      setClock(t);
      expect((await wrong()).status).toBe(401);
      waits.push((await wrong()).headers['retry-after']);
    }
    expect(waits).toEqual(['2', '4', '8', '16']);
    // Even the correct password waits while locked (from an IP that never logged in)...
    expect((await login(ctx, account.email, account.password, ip)).status).toBe(429);
    // ...and gets through once the wait is over.
    setClock(t + 17_000);
    expect((await login(ctx, account.email, account.password, ip)).status).toBe(201);
  });

  it('when one IP sprays many accounts, the IP is slowed down after 20 failures', async () => {
    const ip = newIp();
    setClock('2026-11-24T11:00:00Z');
    for (let i = 0; i < 20; i += 1) expect((await login(ctx, newEmail('spray'), 'not-the-password-at-all', ip)).status).toBe(401);
    const res = await login(ctx, newEmail('spray'), 'not-the-password-at-all', ip);
    expect(res.status).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });

  it('when a token is used, last-used is written at most once a minute', async () => {
    // Prepare
    const account = await readyAccount(ctx);
    const lastUsed = async () => {
      const res = await db(ctx).send(new GetCommand({ TableName: TABLES.tokens, Key: { pk: `USER#${account.userId}`, sk: `TOKEN#${account.tokenId}` }, ConsistentRead: true }));
      return res.Item?.lastUsedAt as string | undefined;
    };
    const t0 = Date.now() + 1000;
    // Act / Assess
    setClock(t0);
    expect((await me(ctx, account.token)).status).toBe(200);
    expect(await lastUsed()).toBe(new Date(t0).toISOString());
    setClock(t0 + 30_000);
    expect((await me(ctx, account.token)).status).toBe(200);
    expect(await lastUsed()).toBe(new Date(t0).toISOString());
    setClock(t0 + 61_000);
    expect((await me(ctx, account.token)).status).toBe(200);
    expect(await lastUsed()).toBe(new Date(t0 + 61_000).toISOString());
  });

  it('when a token expires, it is refused on the next request and no longer listed', async () => {
    const account = await readyAccount(ctx);
    const pat = await ctx.send({ method: 'POST', path: '/v1/tokens', headers: bearer(account.token), body: { name: 'short', expiresInDays: 1 } });
    expect(pat.status).toBe(201);
    const long = await createToken(ctx, account.token, 'long');
    setClock(Date.now() + 86_400_000 + 1000);
    expect((await me(ctx, pat.json.token)).status).toBe(401);
    expect((await me(ctx, account.token)).status).toBe(401); // the 24-hour session too
    const list = await ctx.send({ method: 'GET', path: '/v1/tokens', headers: bearer(long.json.token) });
    expect(list.json.tokens.map((t: { id: string }) => t.id)).toEqual([long.json.id]);
    setClock(undefined);
    // Access tokens are created from a login session (a personal token gets 403 session_required).
    const session = (await login(ctx, account.email, account.password, account.ip)).json.token as string;
    for (const bad of [0, 366, 1.5, '7', -1]) {
      const res = await ctx.send({ method: 'POST', path: '/v1/tokens', headers: bearer(session), body: { name: 'x', expiresInDays: bad } });
      expect({ bad, status: res.status }).toEqual({ bad, status: 400 });
    }
    expect((await ctx.send({ method: 'POST', path: '/v1/tokens', headers: bearer(session), body: { name: '' } })).status).toBe(400);
  });

  it('when a user with 40 tokens revokes all, every one fails at once and the list is empty', async () => {
    // Prepare
    const account = await readyAccount(ctx);
    const tokens = await Promise.all(Array.from({ length: 40 }, (_, i) => createToken(ctx, account.token, `t${i}`)));
    // Act
    expect((await ctx.send({ method: 'POST', path: '/v1/tokens/revoke-all', headers: bearer(tokens[0].json.token) })).status).toBe(204);
    // Assess
    const after = await Promise.all([account.token, ...tokens.map((t) => t.json.token as string)].map((t) => me(ctx, t)));
    expect(after.every((r) => r.status === 401)).toBe(true);
    const fresh = await login(ctx, account.email, account.password, account.ip);
    const list = await ctx.send({ method: 'GET', path: '/v1/tokens', headers: bearer(fresh.json.token) });
    expect(list.json.tokens.map((t: { id: string }) => t.id)).toEqual([fresh.json.tokenId]);
  });

  it('when a stored hash is weaker than today\'s parameters, a successful login upgrades it', async () => {
    // Prepare: a verified user whose hash was made with m=8 MiB, t=1.
    const ring = parsePepperSecret(await secrets.getJson(process.env.PASSWORD_PEPPER_SECRET_ID!));
    const weak = argon2PasswordHasher(async () => ring, { ...ARGON2_PARAMS, memoryCost: 8192, timeCost: 1 });
    const email = newEmail('legacy');
    const password = newPassword();
    const userId = newUserId();
    await db(ctx).send(new PutCommand({ TableName: TABLES.accounts, Item: { pk: `USER#${userId}`, sk: 'PROFILE', userId, email, name: null, emailVerified: true, createdAt: new Date().toISOString() } }));
    await db(ctx).send(new PutCommand({ TableName: TABLES.accounts, Item: { pk: `EMAIL#${email}`, sk: 'LOCK', userId, email, passwordHash: await weak.hash(password), credentialVersion: 0, emailVerified: true } }));
    // Act
    expect((await login(ctx, email, password)).status).toBe(201);
    // Assess
    const upgraded = String((await lockOf(ctx, email))!.passwordHash);
    expect(upgraded).toMatch(/\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect((await login(ctx, email, password)).status).toBe(201);
  });

  it('keeps the user and email-lock items in the shape other capabilities rely on', async () => {
    const account = await readyAccount(ctx);
    const item = await userItem(ctx, account.userId);
    expect(item).toEqual({
      pk: `USER#${account.userId}`, sk: 'PROFILE', userId: account.userId, email: account.email, name: 'Ada Lovelace',
      emailVerified: true, createdAt: expect.any(String), verifiedAt: expect.any(String),
    });
    // The lock is also the credential: the hash lives here, never on the user item others read.
    expect(await lockOf(ctx, account.email)).toEqual({
      pk: `EMAIL#${account.email}`, sk: 'LOCK', userId: account.userId, email: account.email,
      passwordHash: expect.stringMatching(/^\$pepper\$v=1\$argon2id\$/), credentialVersion: 1, emailVerified: true, verifyMailMs: expect.any(Number),
      // The session ring (docs/identity.md "The cap on login sessions"): one login so far.
      sessionSeq: 1, sessionIds: { 0: account.tokenId },
    });
  });

  it('when billing has linked the account, GET /v1/me shows its status, plan and customer id', async () => {
    const account = await readyAccount(ctx);
    const item = (await userItem(ctx, account.userId))!;
    await db(ctx).send(new PutCommand({ TableName: TABLES.accounts, Item: { ...item, billing: { customerId: 'cus_123', subscriptionId: 'sub_1', status: 'active', plan: 'pro', periodEnd: '2027-01-01T00:00:00Z', updatedAt: '2026-11-24T00:00:00Z' } } }));
    const res = await me(ctx, account.token);
    expect(res.json.billing).toEqual({ status: 'active', plan: 'pro', customerId: 'cus_123' });
  });
});
