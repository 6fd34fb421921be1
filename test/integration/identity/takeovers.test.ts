import { setClock } from '../../../lib/platform/time';
import { lockOf, login, mailsTo, me, newEmail, newIp, newPassword, signup } from '../../cases/identity.cases';
import { viaHandler } from '../../support/http';

/**
 * Issue 21 §1, the pre-account takeover, through the real handlers against the emulator. Each
 * test here failed on the code before the fix (a later signup replaced the pending password, and
 * verifying took the token alone).
 */
const ctx = { send: viaHandler, emulator: process.env.HELPSHELF_TEST_EMULATOR! };

/** Every verification token mailed to `address`, oldest first. */
async function verifyLinks(address: string): Promise<string[]> {
  return (await mailsTo(ctx, address)).map((m) => /hs_vrf_[A-Za-z0-9_-]+/.exec(m.body)?.[0]).filter(Boolean) as string[];
}

const verify = (token: string, password: string, ip = newIp()) => ctx.send({ method: 'POST', path: '/v1/signup/verify', body: { token, password }, sourceIp: ip });
const invalidToken = { error: { code: 'invalid_token', message: expect.any(String) } };

describe('issue 21 §1: signing up binds the password to the person who controls the address', () => {
  afterEach(() => setClock(undefined));

  it('when someone signs up after the owner, the owner following the newest link verifies nothing of theirs, and the attacker never logs in', async () => {
    // Prepare: the owner signs up; an attacker signs up with the same address and their own password
    const email = newEmail('takeover');
    const owner = newPassword();
    const attacker = newPassword();
    expect((await signup(ctx, { email, password: owner, name: 'Owner' })).status).toBe(202);
    expect((await signup(ctx, { email, password: attacker, name: 'Mallory' })).status).toBe(202);
    const [ownerLink, attackerLink] = await verifyLinks(email);
    // Act: the owner opens the newest mail (the attacker's) and types their own password
    const newest = await verify(attackerLink, owner);
    // Assess: refused with the one invalid_token body; the owner's own link with their password works
    expect([newest.status, newest.json]).toEqual([400, invalidToken]);
    expect((await verify(ownerLink, owner)).json).toEqual({ status: 'verified' });
    expect((await login(ctx, email, attacker)).status).toBe(401);
    const session = await login(ctx, email, owner);
    expect(session.status).toBe(201);
    expect((await me(ctx, session.json.token)).json).toMatchObject({ email, name: 'Owner' });
    // The attacker's pending signup ended with the verification: their link and password do nothing
    expect([(await verify(attackerLink, attacker)).status, (await login(ctx, email, attacker)).status]).toEqual([400, 401]);
  });

  it('a token answers the same 400 for a wrong password, an unknown token and a used one, and a wrong password does not use it up', async () => {
    const email = newEmail('bound');
    const password = newPassword();
    await signup(ctx, { email, password });
    const [link] = await verifyLinks(email);
    const wrong = await verify(link, newPassword());
    const unknown = await verify(`${link.slice(0, -4)}AAAA`, password);
    expect([wrong.status, wrong.json, unknown.status, unknown.json]).toEqual([400, invalidToken, 400, wrong.json]);
    expect((await lockOf(ctx, email))!.emailVerified).toBe(false);
    expect((await verify(link, password)).status).toBe(200);
    const used = await verify(link, password);
    expect([used.status, used.json]).toEqual([400, wrong.json]);
  });

  it('each pending signup keeps its own password: the attacker verifying their own link needs the mailbox, and the owner\'s earlier link still works after later signups', async () => {
    const email = newEmail('keep');
    const owner = newPassword();
    await signup(ctx, { email, password: owner });
    for (let i = 0; i < 2; i += 1) await signup(ctx, { email, password: newPassword() });
    const [ownerLink] = await verifyLinks(email);
    expect((await verify(ownerLink, owner)).status).toBe(200);
    expect((await login(ctx, email, owner)).status).toBe(201);
  });

  it('verify attempts count in the login throttle: guessing the password of a link is held back like a login', async () => {
    const email = newEmail('guess');
    const password = newPassword();
    await signup(ctx, { email, password });
    const [link] = await verifyLinks(email);
    const ip = newIp();
    const answers: number[] = [];
    for (let i = 0; i < 7; i += 1) answers.push((await verify(link, newPassword(), ip)).status);
    expect(answers.slice(0, 5)).toEqual([400, 400, 400, 400, 400]);
    expect(answers.slice(5)).toContain(429);
  });

  it('the pending signups of an address are bounded: the oldest is dropped and its link ends', async () => {
    const email = newEmail('bounded');
    const first = newPassword();
    await signup(ctx, { email, password: first });
    for (let i = 0; i < 5; i += 1) await signup(ctx, { email, password: newPassword() });
    const [firstLink] = await verifyLinks(email);
    expect((await verify(firstLink, first)).status).toBe(400);
    expect(Object.keys((await lockOf(ctx, email))!.pendingSignups as object)).toHaveLength(5);
  });

  it('a login of a pending account mails a fresh link only for the signup whose password it typed, and that link needs that password', async () => {
    const email = newEmail('fresh');
    const owner = newPassword();
    const attacker = newPassword();
    await signup(ctx, { email, password: owner });
    await signup(ctx, { email, password: attacker });
    setClock(Date.now() + 11 * 60_000);
    // A password no signup chose mints nothing
    expect((await login(ctx, email, newPassword())).status).toBe(401);
    expect(await verifyLinks(email)).toHaveLength(2);
    // The newest signup's password gets a fresh link bound to it: the owner's password cannot use it
    expect((await login(ctx, email, attacker)).status).toBe(401);
    const links = await verifyLinks(email);
    expect(links).toHaveLength(3);
    expect((await verify(links[2], owner)).status).toBe(400);
    // The owner's own link still works, and the attacker's password never authenticates
    expect((await verify(links[0], owner)).status).toBe(200);
    expect((await login(ctx, email, attacker)).status).toBe(401);
    expect((await login(ctx, email, owner)).status).toBe(201);
  });
});
