import { auditStore } from '../../../lib/audit';
import type { AuditEntry } from '../../../lib/audit/audit-log';
import { documentClient } from '../../../lib/platform/aws/dynamodb';
import { addPasskey } from '../../cases/passkeys.cases';
import { enrolTotp, expectError } from '../../cases/mfa.cases';
import { lockOf, mailsTo, newIp, readyAccount } from '../../cases/identity.cases';
import { viaHandler } from '../../support/http';
import { denyAuditWrites, grantInProcess, invokeOps } from '../../support/ops';
import { SoftAuthenticator } from '../../support/webauthn';

/**
 * `customers factors` / `customers factor-off` (issue 23 "No bypass"): an engineer turns a
 * customer's second factor off only with their own grant and a reason, audited first, on the
 * customer's access log, mailed to the owner and listed as a security event.
 */
const ctx = { send: viaHandler, emulator: process.env.HELPSHELF_TEST_EMULATOR!, origin: process.env.PASSKEY_ORIGIN! };
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const REASON = 'ticket 4411 lost phone, identity checked';

async function entriesAbout(subject: string): Promise<AuditEntry[]> {
  const found: AuditEntry[] = [];
  for await (const entry of auditStore().all()) if (entry.subject === subject) found.push(entry);
  return found;
}

/** A verified account with the authenticator app on and one passkey. */
async function protectedAccount() {
  const account = await readyAccount(ctx);
  const { secret, recoveryCodes } = await enrolTotp(ctx, account.token);
  const added = await addPasskey(ctx, account.token, new SoftAuthenticator(ctx.origin), 'Work laptop');
  expect(added.status).toBe(201);
  return { ...account, secret, recoveryCodes, passkeyId: added.json.id as string };
}

const passwordSignIn = (account: { email: string; password: string }) => ctx.send({ method: 'POST', path: '/v1/sessions', body: { email: account.email, password: account.password }, sourceIp: newIp() });

async function state(account: { userId: string; email: string; token: string }) {
  const [totp, passkeys, events] = await Promise.all([
    ctx.send({ method: 'GET', path: '/v1/mfa/totp', headers: bearer(account.token) }),
    ctx.send({ method: 'GET', path: '/v1/passkeys', headers: bearer(account.token) }),
    ctx.send({ method: 'GET', path: '/v1/me/security-events', headers: bearer(account.token) }),
  ]);
  return { totp: totp.json, passkeys: passkeys.json, events: events.json, lock: (await lockOf(ctx, account.email))?.totp ?? null };
}

const factorOff = (customer: string, factor: string | undefined, engineer = 'alice', reason: string | undefined = REASON) =>
  invokeOps('opsCustomers', 'factor-off', { customer, factor, reason }, { localEngineer: engineer });

describe('customers factors / factor-off (opsCustomers), in-process against the emulator', () => {
  it('without the engineer’s own active grant: 403 grant_required (audited), and the factors, events and mail stay as they were', async () => {
    // Prepare
    const account = await protectedAccount();
    const before = await state(account);
    const mailsBefore = (await mailsTo(ctx, account.email)).length;
    // Act: no grant at all; then a grant that is someone else's
    const none = await factorOff(account.userId, 'all');
    await grantInProcess(account.userId, { requester: 'bob', approver: 'carol' });
    const othersGrant = await factorOff(account.email, 'totp');
    const listing = await invokeOps('opsCustomers', 'factors', { customer: account.userId, reason: REASON }, { localEngineer: 'alice' });
    // Assess
    for (const outcome of [none, othersGrant, listing]) expect(outcome).toMatchObject({ ok: false, error: { code: 'grant_required', status: 403 } });
    expect(await state(account)).toEqual(before);
    expect((await mailsTo(ctx, account.email)).length).toBe(mailsBefore);
    expectError(await passwordSignIn(account), 401, 'second_factor_required');
    const refusals = (await entriesAbout(account.userId)).filter((e) => e.action === 'access.refused').map((e) => e.details?.operation);
    expect(refusals).toEqual(['customers.factor-off', 'customers.factor-off', 'customers.factors']);
    expect((await entriesAbout(account.userId)).map((e) => e.action)).not.toContain('customers.factor-off');
  });

  it('with a grant: the factors are listed without a secret; a passkey, then the app, is turned off — audited first, on the access log, mailed, a security event; the password alone signs in only once no app remains', async () => {
    // Prepare
    const account = await protectedAccount();
    const grant = await grantInProcess(account.userId, { requester: 'alice', approver: 'bob' });
    // Act: list
    const listed = await invokeOps('opsCustomers', 'factors', { customer: account.email, reason: REASON }, { localEngineer: 'alice' });
    // Assess: what support sees, and nothing secret
    expect(listed).toEqual({
      ok: true,
      result: {
        customer: account.userId,
        factors: { authenticatorApp: 'on', recoveryCodesLeft: 10, passkeys: [{ id: account.passkeyId, name: 'Work laptop', createdAt: expect.any(String), lastUsedAt: null }] },
        passwordAloneSignsIn: false,
        auditSeq: expect.any(Number),
        grant,
      },
    });
    const text = JSON.stringify(listed);
    for (const secret of [account.secret, ...account.recoveryCodes]) expect(text).not.toContain(secret);

    // Act: the passkey off. The app still gates the password.
    const passkeyOff = await factorOff(account.userId, `passkey:${account.passkeyId}`);
    expect(passkeyOff).toMatchObject({
      ok: true,
      result: { removed: [{ factor: 'passkey', id: account.passkeyId, name: 'Work laptop' }], remaining: { authenticatorApp: 'on', passkeys: [] }, passwordAloneSignsIn: false, grant },
    });
    expectError(await passwordSignIn(account), 401, 'second_factor_required');
    // Act: the app off. Now, and only now, the password alone signs in.
    const totpOff = await factorOff(account.email, 'totp');
    expect(totpOff).toMatchObject({ ok: true, result: { removed: [{ factor: 'totp' }], remaining: { authenticatorApp: 'off', recoveryCodesLeft: 0, passkeys: [] }, passwordAloneSignsIn: true } });
    expect((await passwordSignIn(account)).status).toBe(201);

    // Assess: the stored state, the security events the account page lists
    const after = await state(account);
    expect(after).toMatchObject({ totp: { status: 'off' }, passkeys: { passkeys: [] }, lock: null });
    expect(after.events.events.slice(0, 2).map((e: { event: string; detail: string | null }) => [e.event, e.detail])).toEqual([
      ['totp_disabled_by_support', null],
      ['passkey_removed_by_support', 'Work laptop'],
    ]);
    // The audit chain: every step, the grant named, in order
    const entries = (await entriesAbout(account.userId)).filter((e) => e.action.startsWith('customers.'));
    expect(entries.map((e) => [e.action, e.actor, e.reason, e.details?.factor ?? null, e.details?.grant])).toEqual([
      ['customers.factors', 'local:alice', REASON, null, grant],
      ['customers.factor-off', 'local:alice', REASON, 'passkey', grant],
      ['customers.factor-off', 'local:alice', REASON, 'totp', grant],
    ]);
    // The owner's access log: the reference and a team role, never the engineer's name or free text
    const log = await ctx.send({ method: 'GET', path: '/v1/me/access-log', headers: bearer(account.token) });
    // (Restores and drills appear on every customer's log; other files run them on the same emulator.)
    const own = log.json.entries.filter((e: { kind: string }) => e.kind !== 'restore' && e.kind !== 'restore-drill');
    expect(own.slice(0, 3)).toEqual([
      { at: expect.any(String), kind: 'factor-removed', action: expect.stringMatching(/turned off a sign-in method/), reference: 'ticket 4411', role: 'Engineering', emergency: false },
      { at: expect.any(String), kind: 'factor-removed', action: expect.stringMatching(/turned off a sign-in method/), reference: 'ticket 4411', role: 'Engineering', emergency: false },
      { at: expect.any(String), kind: 'record-read', action: expect.any(String), reference: 'ticket 4411', role: 'Engineering', emergency: false },
    ]);
    expect(JSON.stringify(log.json)).not.toMatch(/alice|lost phone/);
    // The mails: one per factor, saying support did it and naming the request
    const mails = (await mailsTo(ctx, account.email)).filter((m) => /HelpShelf support/.test(m.body));
    expect(mails.map((m) => [/authenticator app/.test(m.body) ? 'totp' : 'passkey', /Support request: ticket 4411/.test(m.body)]).sort()).toEqual([
      ['passkey', true],
      ['totp', true],
    ]);
  });

  it('--factor all turns off the app and every passkey at once', async () => {
    const account = await protectedAccount();
    await addPasskey(ctx, account.token, new SoftAuthenticator(ctx.origin), 'Phone');
    await grantInProcess(account.userId, { requester: 'alice', approver: 'bob' });
    const outcome = await factorOff(account.userId, 'all');
    expect(outcome).toMatchObject({ ok: true, result: { remaining: { authenticatorApp: 'off', passkeys: [] }, passwordAloneSignsIn: true } });
    expect((outcome as { result: { removed: Array<{ factor: string }> } }).result.removed.map((r) => r.factor).sort()).toEqual(['passkey', 'passkey', 'totp']);
    expect((await passwordSignIn(account)).status).toBe(201);
  });

  it.each([
    ['an unknown factor', { factor: 'sms' }, 400, 'invalid_factor'],
    ['no factor', { factor: undefined }, 400, 'invalid_factor'],
    ['a passkey id with control characters', { factor: 'passkey:ab\u001b[2K' }, 400, 'invalid_factor'],
    ['no reason', { reason: undefined }, 400, 'reason_required'],
    ['a reason naming no ticket', { reason: 'customer asked nicely' }, 400, 'reason_too_vague'],
    ['a passkey that is not the customer’s', { factor: 'passkey:AAAAAAAAAAAAAAAAAAAAAA' }, 404, 'factor_not_found'],
    ['a customer that is neither id nor email', { customer: 'usr_1\n9 local:x customers.show usr_2' }, 400, 'invalid_customer'],
  ])('%s (%j): a clear %i %s, and nothing changes', async (_label, override, status, code) => {
    // Prepare
    const account = await protectedAccount();
    await grantInProcess(account.userId, { requester: 'alice', approver: 'bob' });
    const before = await state(account);
    // Act
    const outcome = await invokeOps('opsCustomers', 'factor-off', { customer: account.userId, factor: 'totp', reason: REASON, ...override }, { localEngineer: 'alice' });
    // Assess
    expect(outcome).toMatchObject({ ok: false, error: { code, status } });
    expect(await state(account)).toEqual(before);
    expect((await entriesAbout(account.userId)).map((e) => e.action)).not.toContain('customers.factor-off');
  });

  it('a factor already off is a 404 and writes nothing; an unknown address is a 404 (the attempt audited)', async () => {
    const account = await readyAccount(ctx);
    await grantInProcess(account.userId, { requester: 'alice', approver: 'bob' });
    expect(await factorOff(account.userId, 'totp')).toMatchObject({ ok: false, error: { code: 'factor_not_found', status: 404 } });
    expect(await factorOff(account.userId, 'all')).toMatchObject({ ok: false, error: { code: 'factor_not_found', status: 404 } });
    const unknown = `nobody-${Date.now()}@example.com`;
    expect(await factorOff(unknown, 'totp')).toMatchObject({ ok: false, error: { code: 'customer_not_found', status: 404 } });
    expect((await entriesAbout(`email:${unknown}`)).map((e) => e.action)).toEqual(['customers.factor-off']);
  });

  it('audited before it acts: when the audit write fails, the factor stays on and no mail goes', async () => {
    // Prepare
    const account = await protectedAccount();
    await grantInProcess(account.userId, { requester: 'alice', approver: 'bob' });
    const before = await state(account);
    const mailsBefore = (await mailsTo(ctx, account.email)).length;
    const spy = denyAuditWrites(documentClient);
    let outcome;
    try {
      // Act
      outcome = await factorOff(account.userId, 'all');
    } finally {
      spy.mockRestore();
    }
    // Assess
    expect(outcome).toMatchObject({ ok: false });
    expect(await state(account)).toEqual(before);
    expect((await mailsTo(ctx, account.email)).length).toBe(mailsBefore);
  });
});
