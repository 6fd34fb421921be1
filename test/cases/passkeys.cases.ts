import { SoftAuthenticator } from '../support/webauthn';
import { login, mailsTo, newIp, newPassword, readyAccount, type IdentityContext } from './identity.cases';
import { enrolTotp, expectError } from './mfa.cases';

/**
 * Passkeys over the API with a software authenticator (test/support/webauthn.ts); the browser
 * test drives Chromium's virtual authenticator through the same routes.
 */
export interface PasskeyContext extends IdentityContext {
  /** The stage's passkey origin (PASSKEY_ORIGIN). */
  origin: string;
}

export interface PasskeyCase {
  name: string;
  run: (ctx: PasskeyContext) => Promise<void>;
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

export async function addPasskey(ctx: PasskeyContext, token: string, authenticator: SoftAuthenticator, name?: string) {
  const options = await ctx.send({ method: 'POST', path: '/v1/passkeys/registration-options', headers: bearer(token) });
  expect(options.status).toBe(200);
  expect(options.json.authenticatorSelection).toMatchObject({ residentKey: 'required' });
  return ctx.send({ method: 'POST', path: '/v1/passkeys', headers: bearer(token), body: { name, response: authenticator.create(options.json) } });
}

async function signInOptions(ctx: PasskeyContext) {
  const res = await ctx.send({ method: 'POST', path: '/v1/sessions/passkey-options' });
  expect(res.status).toBe(200);
  expect(res.json.options.allowCredentials ?? []).toEqual([]);
  expect(res.json.options.userVerification).toBe('required');
  return res.json as { challengeId: string; options: { challenge: string; rpId?: string } };
}

function passkeySignIn(ctx: PasskeyContext, challengeId: string, response: unknown) {
  return ctx.send({ method: 'POST', path: '/v1/sessions/passkey', body: { challengeId, response }, sourceIp: newIp() });
}

export const passkeyCases: PasskeyCase[] = [
  {
    name: 'a passkey is added (named, listed, mailed), signs in with no email typed, its challenge works once, and once removed it signs in no more',
    run: async (ctx) => {
      // Prepare
      const account = await readyAccount(ctx);
      const phone = new SoftAuthenticator(ctx.origin);
      // Act: add
      const added = await addPasskey(ctx, account.token, phone, 'My phone');
      expect(added.status).toBe(201);
      expect(added.json).toEqual({ id: expect.any(String), name: 'My phone', createdAt: expect.any(String) });
      const listed = await ctx.send({ method: 'GET', path: '/v1/passkeys', headers: bearer(account.token) });
      expect(listed.json).toEqual({ passkeys: [{ id: added.json.id, name: 'My phone', createdAt: added.json.createdAt, lastUsedAt: null }] });
      expect((await mailsTo(ctx, account.email)).some((m) => /passkey was added/.test(m.body) && m.body.includes('"My phone"'))).toBe(true);
      // Sign out, then sign in with the passkey alone
      expect((await ctx.send({ method: 'DELETE', path: '/v1/sessions/current', headers: bearer(account.token) })).status).toBe(204);
      const { challengeId, options } = await signInOptions(ctx);
      const assertion = phone.get(options);
      const session = await passkeySignIn(ctx, challengeId, assertion);
      expect(session.status).toBe(201);
      expect(session.json).toEqual({ token: expect.stringMatching(/^hs_ses_/), tokenId: expect.any(String), expiresAt: expect.any(String) });
      const token = session.json.token as string;
      const me = await ctx.send({ method: 'GET', path: '/v1/me', headers: bearer(token) });
      expect(me.json.email).toBe(account.email);
      // Assess: the same challenge (and the same assertion) does not work twice
      expectError(await passkeySignIn(ctx, challengeId, assertion), 401, 'invalid_credentials');
      const listedAfter = await ctx.send({ method: 'GET', path: '/v1/passkeys', headers: bearer(token) });
      expect(listedAfter.json.passkeys[0].lastUsedAt).toEqual(expect.any(String));
      // Remove it (a fresh passkey session is a recent sign-in); it signs in no more
      expect((await ctx.send({ method: 'DELETE', path: `/v1/passkeys/${added.json.id}`, headers: bearer(token) })).status).toBe(204);
      expectError(await ctx.send({ method: 'DELETE', path: `/v1/passkeys/${added.json.id}`, headers: bearer(token) }), 404, 'not_found');
      expect((await ctx.send({ method: 'GET', path: '/v1/passkeys', headers: bearer(token) })).json).toEqual({ passkeys: [] });
      const again = await signInOptions(ctx);
      expectError(await passkeySignIn(ctx, again.challengeId, phone.get(again.options)), 401, 'invalid_credentials');
      expect((await mailsTo(ctx, account.email)).some((m) => /passkey was removed/.test(m.body))).toBe(true);
      const events = await ctx.send({ method: 'GET', path: '/v1/me/security-events', headers: bearer(token) });
      expect(events.json.events.map((e: { event: string; detail: string | null }) => [e.event, e.detail])).toEqual([
        ['passkey_removed', 'My phone'],
        ['passkey_added', 'My phone'],
      ]);
    },
  },
  {
    name: "a second authenticator's assertion for the same account fails: its own credential, a registered credential id it signs for, no user verification, another origin",
    run: async (ctx) => {
      const account = await readyAccount(ctx);
      const phone = new SoftAuthenticator(ctx.origin);
      expect((await addPasskey(ctx, account.token, phone, 'phone')).status).toBe(201);
      // A second authenticator that holds a credential for the same user handle, never registered
      const other = new SoftAuthenticator(ctx.origin);
      other.create({ challenge: 'unused-challenge-value', rp: { id: 'localhost' }, user: { id: phone.credentials[0].userHandle } });
      let o = await signInOptions(ctx);
      expectError(await passkeySignIn(ctx, o.challengeId, other.get(o.options)), 401, 'invalid_credentials');
      // The registered credential id, signed with the second authenticator's key
      o = await signInOptions(ctx);
      const forged = other.get(o.options, { credential: { ...other.credentials[0], id: phone.credentials[0].id } });
      expectError(await passkeySignIn(ctx, o.challengeId, forged), 401, 'invalid_credentials');
      // The real authenticator without user verification
      o = await signInOptions(ctx);
      expectError(await passkeySignIn(ctx, o.challengeId, phone.get(o.options, { uv: false })), 401, 'invalid_credentials');
      // The real authenticator on another origin (a phishing page)
      o = await signInOptions(ctx);
      expectError(await passkeySignIn(ctx, o.challengeId, phone.get(o.options, { origin: 'https://helpshelf.example' })), 401, 'invalid_credentials');
      // An unknown challenge
      expectError(await passkeySignIn(ctx, 'A'.repeat(43), phone.get({ challenge: 'A'.repeat(43) })), 401, 'invalid_credentials');
      // And the real one still works
      o = await signInOptions(ctx);
      expect((await passkeySignIn(ctx, o.challengeId, phone.get(o.options))).status).toBe(201);
    },
  },
  {
    name: "registration needs the caller's own live challenge and a recent-sign-in session; a passkey sign-in needs no second factor and is not held back by password failures",
    run: async (ctx) => {
      const account = await readyAccount(ctx);
      const other = await readyAccount(ctx);
      const key = new SoftAuthenticator(ctx.origin);
      // Another account's challenge
      const theirs = await ctx.send({ method: 'POST', path: '/v1/passkeys/registration-options', headers: bearer(other.token) });
      expectError(await ctx.send({ method: 'POST', path: '/v1/passkeys', headers: bearer(account.token), body: { response: key.create(theirs.json) } }), 400, 'invalid_passkey');
      // A challenge used once
      const mine = await ctx.send({ method: 'POST', path: '/v1/passkeys/registration-options', headers: bearer(account.token) });
      const response = key.create(mine.json);
      expect((await ctx.send({ method: 'POST', path: '/v1/passkeys', headers: bearer(account.token), body: { response } })).json.name).toBe('Passkey');
      expectError(await ctx.send({ method: 'POST', path: '/v1/passkeys', headers: bearer(account.token), body: { response } }), 400, 'invalid_passkey');
      // Access tokens never add or remove passkeys
      const pat = await ctx.send({ method: 'POST', path: '/v1/tokens', headers: bearer(account.token), body: { name: 'ci' } });
      expectError(await ctx.send({ method: 'POST', path: '/v1/passkeys/registration-options', headers: bearer(pat.json.token) }), 403, 'recent_sign_in_required');
      // With the authenticator app on and the password throttle shut, the passkey signs in
      await enrolTotp(ctx, account.token);
      const ip = newIp();
      const statuses: number[] = [];
      for (let i = 0; i < 12 && !statuses.includes(429); i += 1) statuses.push((await login(ctx, account.email, newPassword(), ip)).status);
      expect(statuses).toContain(429);
      const o = await signInOptions(ctx);
      // (the key's first credential answered the other account's challenge and was never registered)
      expect((await passkeySignIn(ctx, o.challengeId, key.get(o.options, { credential: key.credentials[1] }))).status).toBe(201);
    },
  },
];
