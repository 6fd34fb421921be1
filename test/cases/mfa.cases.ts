import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { totpCodeAt } from '../../lib/identity/mfa/totp';
import { timeStep } from '../../lib/identity/mfa/totp-rule';
import type { TestResponse } from '../support/http';
import { registerSecret } from '../support/secrets-registry';
import { db, lockOf, login, mailedToken, mailsTo, newIp, newPassword, readyAccount, TABLES, type IdentityContext } from './identity.cases';
import { expectSecurityHeaders } from './platform.cases';

/**
 * Second factors and recent sign-in (issue 23), shared by the integration layer and the e2e layer.
 */
export interface MfaCase {
  name: string;
  run: (ctx: IdentityContext) => Promise<void>;
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

export function expectError(res: TestResponse, status: number, code: string) {
  expect({ status: res.status, code: res.json?.error?.code }).toEqual({ status, code });
  expectSecurityHeaders(res.headers);
}

/** The code the authenticator app shows `offset` steps from now. */
export function codeFor(secret: string, offset = 0): string {
  return totpCodeAt(secret, timeStep(Date.now()) + offset);
}

export async function enrolTotp(ctx: IdentityContext, token: string): Promise<{ secret: string; recoveryCodes: string[] }> {
  const enrol = await ctx.send({ method: 'POST', path: '/v1/mfa/totp', headers: bearer(token) });
  expect(enrol.status).toBe(201);
  const secret = enrol.json.secret as string;
  const confirm = await ctx.send({ method: 'POST', path: '/v1/mfa/totp/confirm', headers: bearer(token), body: { code: codeFor(secret) } });
  expect(confirm.status).toBe(200);
  const recoveryCodes = confirm.json.recoveryCodes as string[];
  for (const code of recoveryCodes) registerSecret(code, 'recovery code');
  return { secret, recoveryCodes };
}

function signIn(ctx: IdentityContext, email: string, password: string, extra: Record<string, string> = {}, ip = newIp()) {
  return ctx.send({ method: 'POST', path: '/v1/sessions', body: { email, password, ...extra }, sourceIp: ip });
}

async function totpItem(ctx: IdentityContext, userId: string) {
  return (await db(ctx).send(new GetCommand({ TableName: TABLES.accounts, Key: { pk: `USER#${userId}`, sk: 'MFA#TOTP' }, ConsistentRead: true }))).Item;
}

async function events(ctx: IdentityContext, token: string): Promise<string[]> {
  const res = await ctx.send({ method: 'GET', path: '/v1/me/security-events', headers: bearer(token) });
  expect(res.status).toBe(200);
  return (res.json.events as Array<{ event: string }>).map((e) => e.event);
}

export const mfaCases: MfaCase[] = [
  {
    name: 'the authenticator app: enrolled with a code computed from its secret, then the password alone is 401 second_factor_required; a current code signs in once, a replay and a code two steps away do not',
    run: async (ctx) => {
      // Prepare
      const account = await readyAccount(ctx);
      // Act: enrol. Nothing is in force before the code is confirmed.
      const enrol = await ctx.send({ method: 'POST', path: '/v1/mfa/totp', headers: bearer(account.token) });
      expect(enrol.status).toBe(201);
      const secret = enrol.json.secret as string;
      expect(secret).toMatch(/^[A-Z2-7]{32}$/);
      expect(enrol.json.otpauthUri).toMatch(/^otpauth:\/\/totp\/HelpShelf:/);
      expect(enrol.headers['cache-control']).toBe('no-store');
      expect((await signIn(ctx, account.email, account.password)).status).toBe(201);
      // The secret is sealed at rest: the item never holds it in plain text.
      const stored = await totpItem(ctx, account.userId);
      expect(JSON.stringify(stored)).not.toContain(secret);
      expect(stored).toMatchObject({ status: 'pending', sealed: { dataKey: expect.any(String), ciphertext: expect.any(String) } });
      // A wrong code is refused and changes nothing.
      const wrong = String((Number(codeFor(secret)) + 1) % 1_000_000).padStart(6, '0');
      expectError(await ctx.send({ method: 'POST', path: '/v1/mfa/totp/confirm', headers: bearer(account.token), body: { code: wrong } }), 400, 'invalid_code');
      expect(await totpItem(ctx, account.userId)).toEqual(stored);
      // The right code turns it on: ten recovery codes, the owner mailed, an event listed.
      const confirmedStep = timeStep(Date.now());
      const confirm = await ctx.send({ method: 'POST', path: '/v1/mfa/totp/confirm', headers: bearer(account.token), body: { code: codeFor(secret) } });
      expect(confirm.status).toBe(200);
      const codes = confirm.json.recoveryCodes as string[];
      codes.forEach((c) => registerSecret(c, 'recovery code'));
      expect(codes).toHaveLength(10);
      expect(JSON.stringify(await totpItem(ctx, account.userId))).not.toContain(codes[0]);
      expect((await lockOf(ctx, account.email))?.totp).toBe(true);
      expect((await mailsTo(ctx, account.email)).some((m) => /authenticator app was turned on/.test(m.body))).toBe(true);
      expect(await events(ctx, account.token)).toEqual(['totp_enabled']);
      expect((await ctx.send({ method: 'GET', path: '/v1/mfa/totp', headers: bearer(account.token) })).json).toEqual({ status: 'on', recoveryCodesLeft: 10 });

      // Assess: the password alone and a code two steps away are refused (each wrong code counts in the throttle).
      expectError(await signIn(ctx, account.email, account.password), 401, 'second_factor_required');
      expectError(await signIn(ctx, account.email, account.password, { otp: codeFor(secret, -2) }), 401, 'second_factor_required');
      expectError(await signIn(ctx, account.email, account.password, { otp: codeFor(secret, 2) }), 401, 'second_factor_required');
      // The confirmation's own code is spent: a replay.
      expectError(await signIn(ctx, account.email, account.password, { otp: totpCodeAt(secret, confirmedStep) }), 401, 'second_factor_required');
      // One step ahead (the phone's clock a little fast) signs in, once.
      const ahead = totpCodeAt(secret, confirmedStep + 1);
      const ok = await signIn(ctx, account.email, account.password, { otp: ahead });
      expect(ok.status).toBe(201);
      expectError(await signIn(ctx, account.email, account.password, { otp: ahead }), 401, 'second_factor_required');
    },
  },
  {
    name: 'recovery codes sign in once each and are mailed about; a password reset keeps the app on; turning it off needs a recent sign-in and mails the owner',
    run: async (ctx) => {
      // Prepare
      const account = await readyAccount(ctx);
      const { secret, recoveryCodes } = await enrolTotp(ctx, account.token);
      // Act / Assess: a recovery code (typed in capitals, without the dash) signs in once.
      const typed = recoveryCodes[3].replace('-', '').toUpperCase();
      expect((await signIn(ctx, account.email, account.password, { recoveryCode: typed })).status).toBe(201);
      expectError(await signIn(ctx, account.email, account.password, { recoveryCode: recoveryCodes[3] }), 401, 'second_factor_required');
      expectError(await signIn(ctx, account.email, account.password, { recoveryCode: 'zzzzz-zzzzz' }), 401, 'second_factor_required');
      expect((await mailsTo(ctx, account.email)).some((m) => /recovery code was used/.test(m.body))).toBe(true);
      expect((await ctx.send({ method: 'GET', path: '/v1/mfa/totp', headers: bearer(account.token) })).json).toEqual({ status: 'on', recoveryCodesLeft: 9 });

      // A password reset does not remove the second factor.
      expect((await ctx.send({ method: 'POST', path: '/v1/password/reset-request', body: { email: account.email }, sourceIp: newIp() })).status).toBe(202);
      const reset = await mailedToken(ctx, account.email, 'rst');
      const fresh = newPassword();
      expect((await ctx.send({ method: 'POST', path: '/v1/password/reset', body: { token: reset, newPassword: fresh } })).status).toBe(204);
      expectError(await signIn(ctx, account.email, fresh), 401, 'second_factor_required');
      const session = await signIn(ctx, account.email, fresh, { recoveryCode: recoveryCodes[0] });
      expect(session.status).toBe(201);
      const token = session.json.token as string;

      // Off: the owner is mailed, the event listed, the password alone signs in again.
      expect((await ctx.send({ method: 'DELETE', path: '/v1/mfa/totp', headers: bearer(token) })).status).toBe(204);
      expect(await totpItem(ctx, account.userId)).toBeUndefined();
      expect((await lockOf(ctx, account.email))?.totp).toBeUndefined();
      expect((await mailsTo(ctx, account.email)).some((m) => /authenticator app was turned off/.test(m.body))).toBe(true);
      expect(await events(ctx, token)).toEqual(['totp_disabled', 'recovery_code_used', 'recovery_code_used', 'totp_enabled']);
      expect((await signIn(ctx, account.email, fresh)).status).toBe(201);
      // Its codes died with it.
      expect((await signIn(ctx, account.email, fresh, { otp: codeFor(secret, 1) })).status).toBe(201);
    },
  },
  {
    name: 'wrong second factors count in the login throttle: a guesser who knows the password is held back with 429',
    run: async (ctx) => {
      const account = await readyAccount(ctx);
      const { secret } = await enrolTotp(ctx, account.token);
      const wrong = String((Number(codeFor(secret)) + 500_000) % 1_000_000).padStart(6, '0');
      const ip = newIp();
      const statuses: number[] = [];
      for (let i = 0; i < 12 && !statuses.includes(429); i += 1) statuses.push((await signIn(ctx, account.email, account.password, { otp: wrong }, ip)).status);
      expect(statuses).toContain(429);
      expect(statuses.filter((s) => s === 201)).toEqual([]);
    },
  },
  {
    name: 'recent sign-in: an access token never counts, for the routes that change what protects the account',
    run: async (ctx) => {
      const account = await readyAccount(ctx);
      const pat = await ctx.send({ method: 'POST', path: '/v1/tokens', headers: bearer(account.token), body: { name: 'ci' } });
      expect(pat.status).toBe(201);
      const token = pat.json.token as string;
      expectError(await ctx.send({ method: 'POST', path: '/v1/tokens', headers: bearer(token), body: { name: 'more' } }), 403, 'session_required');
      expectError(await ctx.send({ method: 'POST', path: '/v1/password', headers: bearer(token), body: { currentPassword: account.password, newPassword: newPassword() } }), 403, 'recent_sign_in_required');
      expectError(await ctx.send({ method: 'POST', path: '/v1/connections', headers: bearer(token), body: { provider: 'demo' } }), 403, 'recent_sign_in_required');
      expectError(await ctx.send({ method: 'POST', path: '/v1/mfa/totp', headers: bearer(token) }), 403, 'recent_sign_in_required');
      expectError(await ctx.send({ method: 'DELETE', path: '/v1/mfa/totp', headers: bearer(token) }), 403, 'recent_sign_in_required');
      expectError(await ctx.send({ method: 'POST', path: '/v1/sessions/confirm', headers: bearer(token), body: { password: account.password } }), 403, 'session_required');
      expect((await login(ctx, account.email, account.password)).status).toBe(201);
      expect(await totpItem(ctx, account.userId)).toBeUndefined();
    },
  },
  {
    name: 'POST /v1/sessions/confirm: neither or both fields is 400, a wrong password 401, a code without an app 401, the right password 204',
    run: async (ctx) => {
      const account = await readyAccount(ctx);
      const confirm = (body: Record<string, unknown>) => ctx.send({ method: 'POST', path: '/v1/sessions/confirm', headers: bearer(account.token), body, sourceIp: account.ip });
      expectError(await confirm({}), 400, 'invalid_request');
      expectError(await confirm({ password: account.password, otp: '123456' }), 400, 'invalid_request');
      expectError(await confirm({ password: newPassword() }), 401, 'invalid_credentials');
      expectError(await confirm({ otp: '123456' }), 401, 'invalid_credentials');
      expect((await confirm({ password: account.password })).status).toBe(204);
      expectError(await ctx.send({ method: 'POST', path: '/v1/sessions/confirm', body: { password: account.password } }), 401, 'unauthorized');
    },
  },
];
