import { newPassword, readyAccount, signup } from '../cases/identity.cases';
import { enrolTotp } from '../cases/mfa.cases';
import { addPasskey } from '../cases/passkeys.cases';
import { viaHttp } from '../support/http';
import { mailTo } from '../support/mail';
import { grantViaCli, opsCli } from '../support/ops';
import { SoftAuthenticator } from '../support/webauthn';

/**
 * Support's customer commands through the real CLI against the local stage: `customers factors`
 * and `customers factor-off` (issue 23 "No bypass"), `customers erase` (issue 25, a deletion asked by mail).
 */
const alice = { HELPSHELF_ENGINEER: 'alice' };

describe('customers factors / factor-off / erase through the ops CLI, against the local stage', () => {
  const send = viaHttp(process.env.E2E_BASE_URL!);
  const ctx = { send, emulator: process.env.E2E_EMULATOR_ENDPOINT!, origin: process.env.E2E_PUBLIC_URL! };
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  const passwordSignIn = (email: string, password: string) => send({ method: 'POST', path: '/v1/sessions', body: { email, password } });

  it('refused without the engineer’s own grant (nothing changes); with it, the app is off, audited, on the access log, mailed, a security event, and the password alone signs in', async () => {
    // Prepare: the app on and a passkey
    const account = await readyAccount(ctx);
    const { secret } = await enrolTotp(ctx, account.token);
    expect((await addPasskey(ctx, account.token, new SoftAuthenticator(ctx.origin), 'Phone')).status).toBe(201);
    expect((await passwordSignIn(account.email, account.password)).json.error.code).toBe('second_factor_required');

    // Act: no grant
    const refused = await opsCli(['customers', 'factor-off', account.email, '--factor', 'all', '--reason', 'ticket 6021'], alice);
    // Assess: refused, one clear line, nothing changed
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: You need your own active grant/);
    expect((await send({ method: 'GET', path: '/v1/mfa/totp', headers: bearer(account.token) })).json.status).toBe('on');
    expect((await passwordSignIn(account.email, account.password)).json.error.code).toBe('second_factor_required');

    // Act: a grant (alice asks, another engineer approves), then list and turn off the app
    await grantViaCli(account.userId, { requester: 'alice', approver: 'bob' });
    const listed = await opsCli(['customers', 'factors', account.userId, '--reason', 'ticket 6021'], alice);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/authenticatorApp\s+on/);
    expect(listed.stdout).toContain('Phone');
    expect(listed.stdout).not.toContain(secret);
    const off = await opsCli(['customers', 'factor-off', account.userId, '--factor', 'totp', '--reason', 'ticket 6021 phone lost', '--json'], alice);
    expect(off.code).toBe(0);
    expect(off.json).toMatchObject({ customer: account.userId, removed: [{ factor: 'totp' }], passwordAloneSignsIn: true, remaining: { authenticatorApp: 'off' } });

    // Assess: the password alone signs in; the audit log, access log, security events and mail say so
    expect((await passwordSignIn(account.email, account.password)).status).toBe(201);
    const audit = await opsCli(['audit', 'list', '--json']);
    const about = audit.json.entries.filter((e: { subject: string }) => e.subject === account.userId).map((e: { action: string }) => e.action);
    expect(about.filter((a: string) => a.startsWith('customers.'))).toEqual(['customers.factors', 'customers.factor-off']);
    expect(audit.json.chain.intact).toBe(true);
    const log = await send({ method: 'GET', path: '/v1/me/access-log', headers: bearer(account.token) });
    expect(log.json.entries[0]).toMatchObject({ kind: 'factor-removed', reference: 'ticket 6021', role: 'Engineering' });
    expect(JSON.stringify(log.json)).not.toMatch(/alice|phone lost/);
    const events = await send({ method: 'GET', path: '/v1/me/security-events', headers: bearer(account.token) });
    expect(events.json.events[0]).toMatchObject({ event: 'totp_disabled_by_support' });
    const mails = await mailTo(account.email, ctx.emulator);
    expect(mails.some((m) => /HelpShelf support turned off the authenticator app/.test(m.body))).toBe(true);
  });

  it('customers erase: refused without the engineer’s own grant (nothing erased); with it, the account is gone, the owner mailed, the address free to sign up again, audited first', async () => {
    // Prepare
    const account = await readyAccount(ctx);
    // Act: no grant
    const refused = await opsCli(['customers', 'erase', account.email, '--reason', 'ticket 7311'], alice);
    // Assess: refused, nothing erased
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: You need your own active grant/);
    expect((await send({ method: 'GET', path: '/v1/me', headers: bearer(account.token) })).status).toBe(200);

    // Act: with a grant
    await grantViaCli(account.userId, { requester: 'alice', approver: 'bob' });
    const erased = await opsCli(['customers', 'erase', account.email, '--reason', 'ticket 7311 erasure asked by mail'], alice);
    // Assess
    expect(erased.code).toBe(0);
    expect(erased.stdout).toMatch(/outcome\s+deleted/);
    expect(erased.stdout).toContain('the owner was mailed');
    expect((await send({ method: 'GET', path: '/v1/me', headers: bearer(account.token) })).status).toBe(401);
    expect((await passwordSignIn(account.email, account.password)).status).toBe(401);
    expect((await mailTo(account.email, ctx.emulator)).some((m) => m.subject === 'Your HelpShelf account was deleted')).toBe(true);
    const audit = await opsCli(['audit', 'list', '--json']);
    const about = audit.json.entries.filter((e: { subject: string }) => e.subject === account.userId).map((e: { action: string; actor: string }) => `${e.action} ${e.actor}`);
    const at = about.indexOf('customers.erase local:alice');
    expect(at).toBeGreaterThan(-1);
    expect(about[at + 1]).toBe('account.deleted local:alice');
    expect(audit.json.chain.intact).toBe(true);
    // The address is free: a new signup is accepted
    expect((await signup(ctx, { email: account.email, password: newPassword() })).status).toBe(202);
  });

  it('a bad factor or a vague reason is exit 1 with one clear line; a missing --factor is a usage error (exit 2)', async () => {
    const account = await readyAccount(ctx);
    await grantViaCli(account.userId, { requester: 'alice', approver: 'bob' });
    const bad = await opsCli(['customers', 'factor-off', account.userId, '--factor', 'sms', '--reason', 'ticket 6022'], alice);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toMatch(/^error: Name the factor: --factor totp/);
    const vague = await opsCli(['customers', 'factor-off', account.userId, '--factor', 'totp', '--reason', 'asked nicely'], alice);
    expect(vague.code).toBe(1);
    expect(vague.stderr).toMatch(/must name a ticket or incident/);
    expect((await opsCli(['customers', 'factor-off', account.userId, '--reason', 'ticket 6022'], alice)).code).toBe(2);
  });
});
