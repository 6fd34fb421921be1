import { readFileSync } from 'node:fs';
import { readyAccount } from '../cases/identity.cases';
import { emulatorDocumentClient, seedCustomer } from '../support/customers';
import { viaHttp } from '../support/http';
import { mailTo } from '../support/mail';
import { grantViaCli, opsCli } from '../support/ops';

const ACCOUNTS = 'helpshelf-local-accounts';
const alice = { HELPSHELF_ENGINEER: 'alice' };
const bob = { HELPSHELF_ENGINEER: 'bob' };

describe('grants and the customer’s access log, against the local stage', () => {
  const send = viaHttp(process.env.E2E_BASE_URL!);
  const db = emulatorDocumentClient(process.env.E2E_EMULATOR_ENDPOINT!);
  const ctx = { send, emulator: process.env.E2E_EMULATOR_ENDPOINT! };

  it('request, self-approval refused, another engineer approves; only the requester may then read, and audit list shows each step', async () => {
    const customer = await seedCustomer(db, ACCOUNTS);
    const requested = await opsCli(['access', 'request', '--customer', customer.email, '--reason', 'ticket 5150', '--minutes', '30', '--json'], alice);
    expect(requested.code).toBe(0);
    expect(requested.json).toMatchObject({ status: 'pending', requester: 'alice', minutes: 30 });
    const grant = requested.json.grant as string;

    const self = await opsCli(['access', 'approve', grant], alice);
    expect(self.code).toBe(1);
    expect(self.stderr.trim()).toBe('error: A grant must be approved by another engineer than the one who requested it.');
    expect((await opsCli(['customers', 'show', customer.userId, '--reason', 'ticket 5150'], alice)).code).toBe(1);

    const approved = await opsCli(['access', 'approve', grant], bob);
    expect(approved.code).toBe(0);
    expect(approved.stdout).toMatch(/status\s+active/);

    const shown = await opsCli(['customers', 'show', customer.userId, '--reason', 'ticket 5150', '--json'], alice);
    expect(shown.code).toBe(0);
    expect(shown.json).toMatchObject({ customer: { id: customer.userId }, grant });
    const other = await opsCli(['customers', 'show', customer.userId, '--reason', 'ticket 5150'], bob);
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/^error: You need your own active grant/);

    const active = await opsCli(['access', 'grants', '--active', '--json'], bob);
    expect(active.json.map((g: { grant: string }) => g.grant)).toContain(grant);
    const listed = await opsCli(['audit', 'list', '--json']);
    const about = listed.json.entries.filter((e: { subject: string }) => e.subject === customer.userId).map((e: { action: string; actor: string }) => `${e.action} ${e.actor}`);
    expect(about).toEqual([
      'access.request local:alice',
      'access.refused local:alice',
      'access.refused local:alice',
      'access.approve local:bob',
      'customers.show local:alice',
      'access.refused local:bob',
    ]);
    expect(listed.json.chain.intact).toBe(true);
  });

  it('an emergency grant is in force at once, mails the security team, and the customer sees it and the read on their access log, with no name', async () => {
    const account = await readyAccount(ctx);
    const bystander = await readyAccount(ctx);
    const requested = await opsCli(['access', 'request', '--customer', account.userId, '--reason', 'INC-7781 customer locked out; see ops@ notes', '--emergency'], alice);
    expect(requested.code).toBe(0);
    expect(requested.stdout).toContain('Emergency grant in force now; the security team has been mailed.');
    const mails = await mailTo('security@helpshelf.test', process.env.E2E_EMULATOR_ENDPOINT!);
    expect(mails.some((m) => m.subject.includes(`Emergency access to customer ${account.userId}`))).toBe(true);
    expect((await opsCli(['customers', 'show', account.userId, '--reason', 'INC-7781'], alice)).code).toBe(0);

    const log = await send({ method: 'GET', path: '/v1/me/access-log', headers: { Authorization: `Bearer ${account.token}` } });
    expect(log.status).toBe(200);
    const entries = (log.json as { entries: Array<Record<string, unknown>> }).entries;
    expect(entries.slice(0, 2)).toEqual([
      { at: expect.any(String), kind: 'record-read', action: 'An engineer viewed your account record', reference: 'INC-7781', role: 'Engineering', emergency: false },
      { at: expect.any(String), kind: 'emergency-access', action: expect.stringContaining('Emergency access'), reference: 'INC-7781', role: 'Engineering', emergency: true },
    ]);
    expect(JSON.stringify(log.json)).not.toMatch(/alice|locked out|ops@|usr_/);

    const theirs = await send({ method: 'GET', path: '/v1/me/access-log', headers: { Authorization: `Bearer ${bystander.token}` } });
    expect(JSON.stringify(theirs.json)).not.toContain('INC-7781');
    expect((await send({ method: 'GET', path: '/v1/me/access-log' })).status).toBe(401);
  });

  it('the local Lambda invoke port refuses a cross-origin text/plain POST (any Origin header) and still serves the CLI', async () => {
    const { lambdaEndpoint } = JSON.parse(readFileSync(process.env.E2E_STATE_FILE!, 'utf8')) as { lambdaEndpoint: string };
    const res = await fetch(`${lambdaEndpoint}/2015-03-31/functions/helpshelf-local-opsAudit/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: 'https://evil.example' },
      body: JSON.stringify({ action: 'list', localEngineer: 'mallory' }),
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(await res.text()).not.toContain('chain');
    expect((await opsCli(['audit', 'list', '--json'])).code).not.toBe(1);
  });

});
