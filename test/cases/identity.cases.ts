import { randomBytes, randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mintToken, newTokenId, TOKEN_KINDS } from '../../lib/identity/token-format';
import type { Send, TestResponse } from '../support/http';
import { mailTo, type SentMail } from '../support/mail';
import { expectSecurityHeaders } from './platform.cases';
import { emulatorDocumentClient } from '../../scripts/lib/emulator-clients';

/**
 * Identity cases shared by the integration layer (handlers in-process) and the e2e layer (HTTP
 * against the local stage). Both talk to one emulator, which the cases also read directly to
 * prove that a refused request changed nothing.
 */
export interface IdentityContext {
  send: Send;
  /** The emulator endpoint (mail and tables). */
  emulator: string;
}

export interface IdentityCase {
  name: string;
  run: (ctx: IdentityContext) => Promise<void>;
}

export const TABLES = { accounts: 'helpshelf-local-accounts', tokens: 'helpshelf-local-tokens', rateLimits: 'helpshelf-local-rate-limits' };

export function db(ctx: IdentityContext): DynamoDBDocumentClient {
  return emulatorDocumentClient(ctx.emulator);
}

export function newEmail(tag = 'user'): string {
  return `${tag}-${randomUUID()}@example.com`;
}

/** A strong password nobody else uses. */
export function newPassword(): string {
  return `violet-harbor-${randomBytes(6).toString('hex')}`;
}

/** A loopback address of its own per case, so per-IP limits of one case never touch another. */
export function newIp(): string {
  const b = randomBytes(3);
  return `127.${b[0]}.${b[1]}.${Math.max(2, b[2] % 254)}`;
}

export async function mailsTo(ctx: IdentityContext, address: string): Promise<SentMail[]> {
  return mailTo(address, ctx.emulator);
}

/** The newest token of a kind mailed to an address (verification `vrf`, reset `rst`). */
export async function mailedToken(ctx: IdentityContext, address: string, kind: 'vrf' | 'rst'): Promise<string> {
  const pattern = new RegExp(`hs_${kind}_[A-Za-z0-9_-]+`);
  for (let i = 0; i < 20; i += 1) {
    const found = (await mailsTo(ctx, address)).map((m) => pattern.exec(m.body)?.[0]).filter(Boolean) as string[];
    if (found.length > 0) return found[found.length - 1];
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`No ${kind} token was mailed to ${address}`);
}

/** The email lock, which is also the credential item (userId, passwordHash, credentialVersion...). */
export async function lockOf(ctx: IdentityContext, email: string): Promise<({ userId: string } & Record<string, unknown>) | undefined> {
  const res = await db(ctx).send(new GetCommand({ TableName: TABLES.accounts, Key: { pk: `EMAIL#${email}`, sk: 'LOCK' }, ConsistentRead: true }));
  return res.Item as ({ userId: string } & Record<string, unknown>) | undefined;
}

export async function userItem(ctx: IdentityContext, userId: string): Promise<Record<string, unknown> | undefined> {
  const res = await db(ctx).send(new GetCommand({ TableName: TABLES.accounts, Key: { pk: `USER#${userId}`, sk: 'PROFILE' }, ConsistentRead: true }));
  return res.Item;
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

export async function signup(ctx: IdentityContext, body: Record<string, unknown>, ip = newIp()): Promise<TestResponse> {
  return ctx.send({ method: 'POST', path: '/v1/signup', body, sourceIp: ip });
}

export async function login(ctx: IdentityContext, email: string, password: string, ip = newIp()): Promise<TestResponse> {
  return ctx.send({ method: 'POST', path: '/v1/sessions', body: { email, password }, sourceIp: ip });
}

/** Signs up, verifies through the mailed token and logs in: a ready account. */
export async function readyAccount(ctx: IdentityContext, ip = newIp()) {
  const email = newEmail();
  const password = newPassword();
  expect((await signup(ctx, { email, password, name: 'Ada Lovelace' }, ip)).status).toBe(202);
  const verify = await ctx.send({ method: 'POST', path: '/v1/signup/verify', body: { token: await mailedToken(ctx, email, 'vrf'), password }, sourceIp: ip });
  expect(verify.status).toBe(200);
  const session = await login(ctx, email, password, ip);
  expect(session.status).toBe(201);
  const { userId } = (await lockOf(ctx, email))!;
  return { email, password, ip, userId, token: session.json.token as string, tokenId: session.json.tokenId as string };
}

export async function me(ctx: IdentityContext, token: string): Promise<TestResponse> {
  return ctx.send({ method: 'GET', path: '/v1/me', headers: bearer(token) });
}

export async function createToken(ctx: IdentityContext, token: string, name = 'ci'): Promise<TestResponse> {
  return ctx.send({ method: 'POST', path: '/v1/tokens', headers: bearer(token), body: { name } });
}

function expectError(res: TestResponse, status: number, code: string) {
  expect({ status: res.status, code: res.json?.error?.code }).toEqual({ status, code });
  expectSecurityHeaders(res.headers);
}

export const identityCases: IdentityCase[] = [
  {
    name: 'a new user signs up, verifies, logs in, creates a token, uses it, revokes it and the next call is 401; revoke-all ends the session',
    run: async (ctx) => {
      // Prepare / Act: signup
      const email = newEmail('walk');
      const password = newPassword();
      const ip = newIp();
      const res = await signup(ctx, { email: `  ${email.toUpperCase()} `, password, name: 'Grace Hopper' }, ip);
      expect(res.status).toBe(202);
      expect(res.json).toEqual({ status: 'verification_sent' });
      // Verification through the mailed token
      const token = await mailedToken(ctx, email, 'vrf');
      expect((await ctx.send({ method: 'POST', path: '/v1/signup/verify', body: { token, password } })).json).toEqual({ status: 'verified' });
      // Login (from a browser that says what it is)
      const session = await ctx.send({ method: 'POST', path: '/v1/sessions', body: { email, password }, sourceIp: ip, headers: { 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64) Chromium/140' } });
      expect(session.status).toBe(201);
      expect(session.json).toEqual({ token: expect.stringMatching(/^hs_ses_/), tokenId: expect.stringMatching(/^tok_/), expiresAt: expect.any(String) });
      expect(Date.parse(session.json.expiresAt)).toBeGreaterThan(Date.now());
      expect(session.headers['cache-control']).toBe('no-store');
      // The account
      const account = await me(ctx, session.json.token);
      expect(account.status).toBe(200);
      expect(account.json).toEqual({ id: expect.stringMatching(/^usr_/), email, name: 'Grace Hopper', billing: { status: null, plan: null, customerId: null } });
      // A personal access token, used
      const pat = await createToken(ctx, session.json.token, 'laptop');
      expect(pat.status).toBe(201);
      expect(pat.json).toEqual({ id: expect.stringMatching(/^tok_/), token: expect.stringMatching(/^hs_pat_/), name: 'laptop', expiresAt: expect.any(String) });
      expect((await me(ctx, pat.json.token)).status).toBe(200);
      // The list never carries a secret and marks the current token
      const list = await ctx.send({ method: 'GET', path: '/v1/tokens', headers: bearer(pat.json.token) });
      expect(list.status).toBe(200);
      expect(list.text).not.toMatch(/hs_(ses|pat)_/);
      const byId = Object.fromEntries(list.json.tokens.map((t: { id: string }) => [t.id, t]));
      expect(byId[pat.json.id]).toEqual({ id: pat.json.id, name: 'laptop', kind: 'personal', createdAt: expect.any(String), lastUsedAt: expect.any(String), expiresAt: pat.json.expiresAt, current: true, userAgent: null, ipAddress: null });
      // A session says where its sign-in came from (the sessions list of the account page)
      expect(byId[session.json.tokenId]).toMatchObject({ kind: 'session', current: false, userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chromium/140', ipAddress: expect.any(String) });
      // Revoke the personal token: the very next call is 401
      expect((await ctx.send({ method: 'DELETE', path: `/v1/tokens/${pat.json.id}`, headers: bearer(session.json.token) })).status).toBe(204);
      expectError(await me(ctx, pat.json.token), 401, 'unauthorized');
      // Revoke-all ends the session that asked for it too
      expect((await ctx.send({ method: 'POST', path: '/v1/tokens/revoke-all', headers: bearer(session.json.token) })).status).toBe(204);
      expectError(await me(ctx, session.json.token), 401, 'unauthorized');
    },
  },
  {
    name: 'when an address is already registered, signup answers the same 202, mails a notice and creates nothing',
    run: async (ctx) => {
      // Prepare
      const account = await readyAccount(ctx);
      const before = await userItem(ctx, account.userId);
      // Act
      const res = await signup(ctx, { email: account.email, password: newPassword() });
      // Assess
      expect(res.status).toBe(202);
      expect(res.json).toEqual({ status: 'verification_sent' });
      expect((await mailsTo(ctx, account.email)).some((m) => /already has one/.test(m.body))).toBe(true);
      expect(await lockOf(ctx, account.email)).toMatchObject({ userId: account.userId });
      expect(await userItem(ctx, account.userId)).toEqual(before);
      expect((await login(ctx, account.email, account.password)).status).toBe(201);
    },
  },
  {
    name: 'when signup input is bad, the answer is a clear 400 and no account, lock or mail appears',
    run: async (ctx) => {
      const good = newPassword();
      const email = newEmail('bad');
      const cases: Array<[Record<string, unknown> | string, string, string | undefined]> = [
        [{ password: good }, 'invalid_request', undefined],
        [{ email, password: good, name: 42 }, 'invalid_request', email],
        [{ email: 42, password: good }, 'invalid_email', undefined],
        [{ email }, 'invalid_request', email],
        [{ email, password: 12345678 }, 'invalid_request', email],
        [{ email: email.replace('@', ''), password: good }, 'invalid_email', email.replace('@', '')],
        [{ email: email.replace('-', ' '), password: good }, 'invalid_email', undefined],
        [{ email: `${'a'.repeat(60)}@${'b'.repeat(235)}.com`, password: good }, 'invalid_email', undefined],
        [{ email: email.replace('bad', 'bаd'), password: good }, 'invalid_email', undefined], // Cyrillic "а"
        [{ email: email.replace('bad', 'ｂad'), password: good }, 'invalid_email', undefined], // full-width "ｂ"
        [{ email: `\u212A${email}`, password: good }, 'invalid_email', `k${email}`], // Kelvin sign lower-cases to "k"
        [{ email, password: 'Tr7$kq2' }, 'password_too_short', email],
        [{ email, password: 'x'.repeat(100 * 1024) }, 'password_too_long', email],
        [{ email, password: `nul\u0000byte-password` }, 'password_invalid_characters', email],
        [{ email, password: 'password' }, 'password_common', email],
        [{ email, password: '123456789' }, 'password_common', email],
        [{ email, password: 'HelpShelf2026!' }, 'password_context', email],
        [{ email, password: `${email.split('@')[0]}99` }, 'password_context', email],
      ];
      for (const [index, [body, code, address]] of cases.entries()) {
        const res = await signup(ctx, body as Record<string, unknown>);
        // Labelled by index, not body: a failure message must not print a password.
        expect({ case: index, status: res.status, code: res.json?.error?.code }).toEqual({ case: index, status: 400, code });
        if (address) {
          expect(await lockOf(ctx, address.toLowerCase())).toBeUndefined();
          expect(await mailsTo(ctx, address)).toEqual([]);
        }
      }
      // A body that is not JSON at all
      expectError(await ctx.send({ method: 'POST', path: '/v1/signup', headers: { 'Content-Type': 'application/json' }, body: '{"email":' }), 400, 'invalid_json');
    },
  },
  {
    name: 'when a 1 MB password is sent, it is a 400 password_too_long, not a slow hash',
    run: async (ctx) => {
      const email = newEmail('huge');
      const res = await signup(ctx, { email, password: 'p'.repeat(1024 * 1024) });
      expectError(res, 400, 'password_too_long');
      expect(await lockOf(ctx, email)).toBeUndefined();
    },
  },
  {
    name: 'login says the same 401 invalid_credentials for an unknown email, a wrong password and an unverified account with its right password',
    run: async (ctx) => {
      // Prepare: an account that is not verified yet
      const email = newEmail('unverified');
      const password = newPassword();
      const ip = newIp();
      expect((await signup(ctx, { email, password }, ip)).status).toBe(202);
      // Act
      const unknown = await login(ctx, newEmail('nobody'), password, ip);
      const wrong = await login(ctx, email, `${password}x`, ip);
      const right = await login(ctx, email, password, ip);
      // Assess
      expectError(unknown, 401, 'invalid_credentials');
      expectError(wrong, 401, 'invalid_credentials');
      expect(wrong.json).toEqual(unknown.json);
      expectError(right, 401, 'invalid_credentials');
      expect(right.json).toEqual(unknown.json);
      // Missing or mistyped fields are a 400, not a login attempt
      expectError(await ctx.send({ method: 'POST', path: '/v1/sessions', body: { email } }), 400, 'invalid_request');
      expectError(await ctx.send({ method: 'POST', path: '/v1/sessions', body: { email, password: ['x'] } }), 400, 'invalid_request');
      expectError(await login(ctx, email, 'y'.repeat(100 * 1024), ip), 400, 'password_too_long');
    },
  },
  {
    name: 'a verification token works once and only with the password chosen at its signup; a wrong password, a second use, a wrong or mistyped token is 400 invalid_token',
    run: async (ctx) => {
      // Prepare
      const email = newEmail('verify');
      const password = newPassword();
      await signup(ctx, { email, password });
      const token = await mailedToken(ctx, email, 'vrf');
      const { userId } = (await lockOf(ctx, email))!;
      // Act / Assess
      expectError(await ctx.send({ method: 'POST', path: '/v1/signup/verify', body: { token } }), 400, 'invalid_request');
      expectError(await ctx.send({ method: 'POST', path: '/v1/signup/verify', body: { token, password: `${password}x` } }), 400, 'invalid_token');
      expect((await lockOf(ctx, email))!.emailVerified).toBe(false);
      expect((await ctx.send({ method: 'POST', path: '/v1/signup/verify', body: { token, password } })).status).toBe(200);
      const verifiedAt = (await userItem(ctx, userId))!.verifiedAt;
      expectError(await ctx.send({ method: 'POST', path: '/v1/signup/verify', body: { token, password } }), 400, 'invalid_token');
      expectError(await ctx.send({ method: 'POST', path: '/v1/signup/verify', body: { token: token.slice(0, -2), password } }), 400, 'invalid_token');
      expectError(await ctx.send({ method: 'POST', path: '/v1/signup/verify', body: { token: 'hs_vrf_nonsense', password } }), 400, 'invalid_token');
      expectError(await ctx.send({ method: 'POST', path: '/v1/signup/verify', body: { token: 42, password } }), 400, 'invalid_request');
      expectError(await ctx.send({ method: 'POST', path: '/v1/signup/verify', body: {} }), 400, 'invalid_request');
      expect((await userItem(ctx, userId))!.verifiedAt).toBe(verifiedAt);
    },
  },
  {
    name: 'a bearer token that is missing, malformed, truncated, from another stage, expired, revoked, doubled or of the wrong kind is 401',
    run: async (ctx) => {
      // Prepare
      const account = await readyAccount(ctx);
      const otherStage = mintToken('prod', TOKEN_KINDS.personal, account.userId, newTokenId()).token;
      // An expired token, stored exactly as the API stores one.
      const expiredId = newTokenId();
      const expired = mintToken('local', TOKEN_KINDS.personal, account.userId, expiredId);
      await db(ctx).send(
        new PutCommand({
          TableName: TABLES.tokens,
          Item: {
            pk: `USER#${account.userId}`, sk: `TOKEN#${expiredId}`, userId: account.userId, tokenId: expiredId, kind: 'pat', name: 'old',
            digest: expired.parsed.digest, createdAt: '2025-01-01T00:00:00.000Z', createdAtMs: Date.parse('2025-01-01T00:00:00Z'),
            expiresAt: '2025-02-01T00:00:00.000Z', expiresAtMs: Date.parse('2025-02-01T00:00:00Z'),
          },
        }),
      );
      const revoked = await createToken(ctx, account.token, 'to revoke');
      await ctx.send({ method: 'DELETE', path: `/v1/tokens/${revoked.json.id}`, headers: bearer(account.token) });
      const verification = mintToken('local', TOKEN_KINDS.verification, account.userId).token;
      const headers: Array<[string, Record<string, string | string[]> | undefined]> = [
        ['no header', undefined],
        ['Bearer with no token', { Authorization: 'Bearer' }],
        ['Bearer and a space', { Authorization: 'Bearer ' }],
        ['another scheme', { Authorization: `Basic ${account.token}` }],
        ['a malformed token', { Authorization: 'Bearer hs_pat_definitely-not-a-token' }],
        ['a truncated token', bearer(account.token.slice(0, -4))],
        ['a token from another stage', bearer(otherStage)],
        ['an expired token', bearer(expired.token)],
        ['a revoked token', bearer(revoked.json.token)],
        ['a verification token', bearer(verification)],
        ['two Authorization headers', { Authorization: [`Bearer ${account.token}`, `Bearer ${account.token}`] }],
      ];
      for (const [label, h] of headers) {
        const res = await ctx.send({ method: 'GET', path: '/v1/me', headers: h });
        expect({ label, status: res.status, code: res.json?.error?.code }).toEqual({ label, status: 401, code: 'unauthorized' });
        expect(res.headers['www-authenticate']).toBe('Bearer');
      }
      // The good token still works: nothing above changed it.
      expect((await me(ctx, account.token)).status).toBe(200);
    },
  },
  {
    name: 'DELETE of another user\'s token id is 404 and leaves that token working',
    run: async (ctx) => {
      const alice = await readyAccount(ctx);
      const bob = await readyAccount(ctx);
      const res = await ctx.send({ method: 'DELETE', path: `/v1/tokens/${bob.tokenId}`, headers: bearer(alice.token) });
      expectError(res, 404, 'not_found');
      expectError(await ctx.send({ method: 'DELETE', path: '/v1/tokens/not-a-token-id', headers: bearer(alice.token) }), 404, 'not_found');
      expect((await me(ctx, bob.token)).status).toBe(200);
    },
  },
  {
    name: 'POST /v1/oauth/revoke answers 200 always and revokes a valid token (RFC 7009)',
    run: async (ctx) => {
      const account = await readyAccount(ctx);
      const form = (body: string) => ctx.send({ method: 'POST', path: '/v1/oauth/revoke', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body });
      for (const body of ['token=garbage', '', 'token=', `token=${encodeURIComponent(account.token.slice(0, -3))}`]) {
        expect((await form(body)).status).toBe(200);
      }
      expect((await me(ctx, account.token)).status).toBe(200);
      const res = await form(`token=${encodeURIComponent(account.token)}&token_type_hint=access_token`);
      expect(res.status).toBe(200);
      expectError(await me(ctx, account.token), 401, 'unauthorized');
      expect((await form(`token=${encodeURIComponent(account.token)}`)).status).toBe(200);
    },
  },
  {
    name: 'DELETE /v1/sessions/current revokes the presented token only',
    run: async (ctx) => {
      const account = await readyAccount(ctx);
      const other = await login(ctx, account.email, account.password, account.ip);
      expect((await ctx.send({ method: 'DELETE', path: '/v1/sessions/current', headers: bearer(account.token) })).status).toBe(204);
      expectError(await me(ctx, account.token), 401, 'unauthorized');
      expect((await me(ctx, other.json.token)).status).toBe(200);
    },
  },
  {
    name: 'a password change needs the current password, follows the policy and revokes every other token of the caller',
    run: async (ctx) => {
      // Prepare
      const account = await readyAccount(ctx);
      const other = await login(ctx, account.email, account.password, account.ip);
      const pat = await createToken(ctx, account.token);
      const next = newPassword();
      const change = (body: Record<string, unknown>) => ctx.send({ method: 'POST', path: '/v1/password', headers: bearer(account.token), body, sourceIp: account.ip });
      const hashBefore = (await lockOf(ctx, account.email))!.passwordHash;
      // Bad input changes nothing
      expectError(await change({ currentPassword: `${account.password}!`, newPassword: next }), 401, 'invalid_credentials');
      expectError(await change({ currentPassword: account.password, newPassword: 'password' }), 400, 'password_common');
      expectError(await change({ currentPassword: account.password, newPassword: 'short' }), 400, 'password_too_short');
      expectError(await change({ currentPassword: account.password }), 400, 'invalid_request');
      expect((await lockOf(ctx, account.email))!.passwordHash).toBe(hashBefore);
      expect((await me(ctx, other.json.token)).status).toBe(200);
      // Act
      expect((await change({ currentPassword: account.password, newPassword: next })).status).toBe(204);
      // Assess
      expect((await me(ctx, account.token)).status).toBe(200);
      expectError(await me(ctx, other.json.token), 401, 'unauthorized');
      expectError(await me(ctx, pat.json.token), 401, 'unauthorized');
      expectError(await login(ctx, account.email, account.password, account.ip), 401, 'invalid_credentials');
      expect((await login(ctx, account.email, next, account.ip)).status).toBe(201);
      expect(String((await lockOf(ctx, account.email))!.passwordHash)).toMatch(/^\$pepper\$v=1\$argon2id\$/);
    },
  },
  {
    name: 'a password reset is enumeration-safe, single-use, and revokes every token of the account',
    run: async (ctx) => {
      // Prepare
      const account = await readyAccount(ctx);
      const unknown = newEmail('nobody');
      // Act: both answers are the same
      const a = await ctx.send({ method: 'POST', path: '/v1/password/reset-request', body: { email: account.email } });
      const b = await ctx.send({ method: 'POST', path: '/v1/password/reset-request', body: { email: unknown } });
      expect([a.status, a.json]).toEqual([202, { status: 'reset_sent' }]);
      expect([b.status, b.json]).toEqual([202, { status: 'reset_sent' }]);
      expect((await mailsTo(ctx, unknown)).every((m) => !/hs_rst_/.test(m.body))).toBe(true);
      expectError(await ctx.send({ method: 'POST', path: '/v1/password/reset-request', body: { email: 'not an email' } }), 400, 'invalid_email');
      const token = await mailedToken(ctx, account.email, 'rst');
      const next = newPassword();
      const reset = (body: Record<string, unknown>) => ctx.send({ method: 'POST', path: '/v1/password/reset', body });
      // A policy-rejected password does not burn the token
      expectError(await reset({ token, newPassword: '123456789' }), 400, 'password_common');
      expect((await me(ctx, account.token)).status).toBe(200);
      // Act
      expect((await reset({ token, newPassword: next })).status).toBe(204);
      // Assess
      expectError(await me(ctx, account.token), 401, 'unauthorized');
      expectError(await reset({ token, newPassword: newPassword() }), 400, 'invalid_token');
      expectError(await reset({ token: 'hs_rst_garbage', newPassword: newPassword() }), 400, 'invalid_token');
      expectError(await login(ctx, account.email, account.password, account.ip), 401, 'invalid_credentials');
      expect((await login(ctx, account.email, next, account.ip)).status).toBe(201);
    },
  },
  {
    name: 'a locked account answers 429 with Retry-After, except to a correct password from an IP that logged in before',
    run: async (ctx) => {
      // Prepare: the owner logged in from ip `home`; an attacker has run the account counter up.
      const account = await readyAccount(ctx);
      const { createHash } = await import('node:crypto');
      const key = createHash('sha256').update(`helpshelf:email:${account.email}`, 'utf8').digest('hex').slice(0, 32);
      await db(ctx).send(new PutCommand({ TableName: TABLES.rateLimits, Item: { pk: `LOGIN#A#${key}`, sk: 'FAILURES', failures: 12, lastFailureMs: Date.now(), nextAllowedMs: Date.now() + 600_000, ttl: Math.ceil(Date.now() / 1000) + 3600 } }));
      // Act
      const elsewhere = await login(ctx, account.email, account.password, newIp());
      const home = await login(ctx, account.email, account.password, account.ip);
      // Assess
      expectError(elsewhere, 429, 'too_many_attempts');
      expect(Number(elsewhere.headers['retry-after'])).toBeGreaterThan(0);
      expect(home.status).toBe(201);
    },
  },
];
