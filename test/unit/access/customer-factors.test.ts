import { eraseCustomer, type ErasurePort } from '../../../lib/access/customer-erase';
import { parseFactorChoice, turnOffCustomerFactor, type CustomerFactors, type FactorChoice, type FactorsPort } from '../../../lib/access/customer-factors';
import type { CustomerDirectory } from '../../../lib/access/customer-record';
import type { AuditEntry, AuditEvent } from '../../../lib/audit/audit-log';
import { ForbiddenError } from '../../../lib/platform/errors';

/**
 * The order of `customers factor-off` and `customers erase` (lib/access): nothing changes before
 * the audit entry is written, and every refusal comes before it. The ports record what was asked.
 */
const ON: CustomerFactors = { authenticatorApp: 'on', recoveryCodesLeft: 9, passkeys: [{ id: 'cred_1', name: 'Phone', createdAt: '2026-12-01T00:00:00.000Z', lastUsedAt: null }] };

function ports(options: { failAudit?: boolean; noGrant?: boolean; factors?: CustomerFactors; closed?: boolean } = {}) {
  const calls: string[] = [];
  const directory: CustomerDirectory = {
    userIdForEmail: async (email) => {
      calls.push(`lock:${email}`);
      return email === 'ada@example.test' ? 'usr_1' : undefined;
    },
    profile: async (id) => {
      calls.push(`profile:${id}`);
      return id === 'usr_1' ? { userId: 'usr_1', email: 'ada@example.test' } : undefined;
    },
  };
  const audit = async (event: AuditEvent, alongside?: unknown[]): Promise<AuditEntry> => {
    calls.push(`audit:${event.action}:${event.subject}${alongside ? `+${alongside.length}` : ''}`);
    if (options.failAudit) throw new Error('audit table unavailable');
    return { ...event, seq: 7, at: '2026-12-07T00:00:00.000Z', prevHash: '0', hash: '1' };
  };
  const requireGrant = async (customerId: string) => {
    calls.push(`grant:${customerId}`);
    if (options.noGrant) throw new ForbiddenError('grant_required', 'no grant');
    return { grantId: 'gr_1', emergency: false };
  };
  let current = options.factors ?? ON;
  const factors: FactorsPort = {
    list: async () => {
      calls.push('list');
      return current;
    },
    turnOff: async (owner, choice: FactorChoice, reference) => {
      calls.push(`off:${owner.email}:${choice.kind}:${reference}`);
      current = { authenticatorApp: 'off', recoveryCodesLeft: 0, passkeys: [] };
      return [{ factor: 'totp' }];
    },
  };
  const erasure: ErasurePort = {
    find: async (userId) => {
      calls.push(`find:${userId}`);
      return userId === 'usr_1' ? { subject: { userId, email: 'ada@example.test', name: null, billingCustomerId: null }, guard: { version: 3 }, closed: options.closed === true } : undefined;
    },
    erase: async (subject, guard, context) => {
      calls.push(`erase:${subject.userId}:${JSON.stringify(guard)}:${context.actor}`);
      return { deletedAt: '2026-12-07T00:00:01.000Z', erased: ['identity'], incomplete: [] };
    },
    finish: async (subject) => {
      calls.push(`finish:${subject.userId}`);
      return { erased: ['identity'], incomplete: [] };
    },
  };
  const accessLog = (customerId: string, _at: string, kind: string) => ({ customerId, kind });
  return { calls, directory, audit, requireGrant, factors, erasure, accessLog, now: () => '2026-12-07T00:00:00.000Z' };
}

describe('parseFactorChoice', () => {
  it.each([
    ['totp', { kind: 'totp' }],
    [' all ', { kind: 'all' }],
    ['passkey:cred_1-A', { kind: 'passkey', id: 'cred_1-A' }],
  ])('reads %j', (raw, expected) => {
    expect(parseFactorChoice(raw)).toEqual(expected);
  });

  it.each([undefined, '', 'sms', 'TOTP', 'passkey:', 'passkey:a b', 'passkey:a\u001b[2K', `passkey:${'a'.repeat(1401)}`, 'allx'])('refuses %j with invalid_factor', (raw) => {
    expect(() => parseFactorChoice(raw)).toThrow(expect.objectContaining({ code: 'invalid_factor', status: 400 }));
  });
});

describe('turnOffCustomerFactor', () => {
  const request = (extra: Record<string, unknown> = {}) => ({ query: 'ada@example.test', factor: 'totp', reason: 'ticket 4411 phone lost', actor: 'local:alice', ...extra });

  it('checks the grant, then the factor, writes the audit entry with the access-log entry, and only then turns it off (with the reference, not the free text)', async () => {
    const p = ports();
    const out = await turnOffCustomerFactor(p, request());
    expect(p.calls).toEqual(['lock:ada@example.test', 'grant:usr_1', 'profile:usr_1', 'list', 'audit:customers.factor-off:usr_1+1', 'off:ada@example.test:totp:ticket 4411', 'list']);
    expect(out).toMatchObject({ customer: 'usr_1', removed: [{ factor: 'totp' }], passwordAloneSignsIn: true, auditSeq: 7, grant: 'gr_1' });
  });

  it('turns nothing off when the audit entry cannot be written', async () => {
    const p = ports({ failAudit: true });
    await expect(turnOffCustomerFactor(p, request())).rejects.toThrow('audit table unavailable');
    expect(p.calls.some((c) => c.startsWith('off:'))).toBe(false);
  });

  it.each([
    ['no grant', { noGrant: true }, {}, 'grant_required'],
    ['an app that is off', { factors: { ...ON, authenticatorApp: 'off' as const } }, {}, 'factor_not_found'],
    ['a passkey that is not theirs', {}, { factor: 'passkey:cred_2' }, 'factor_not_found'],
    ['nothing at all to turn off', { factors: { authenticatorApp: 'off' as const, recoveryCodesLeft: 0, passkeys: [] } }, { factor: 'all' }, 'factor_not_found'],
    ['a vague reason', {}, { reason: 'lost phone' }, 'reason_too_vague'],
    ['a bad factor', {}, { factor: 'sms' }, 'invalid_factor'],
  ])('%s: refused before any audit entry of the change, nothing turned off', async (_label, options, extra, code) => {
    const p = ports(options);
    await expect(turnOffCustomerFactor(p, request(extra))).rejects.toMatchObject({ code });
    expect(p.calls.filter((c) => c.startsWith('audit:') || c.startsWith('off:'))).toEqual([]);
  });

  it('an unknown address: the attempt is audited, then 404', async () => {
    const p = ports();
    await expect(turnOffCustomerFactor(p, request({ query: 'eve@example.test' }))).rejects.toMatchObject({ code: 'customer_not_found', status: 404 });
    expect(p.calls).toEqual(['lock:eve@example.test', 'audit:customers.factor-off:email:eve@example.test']);
  });
});

describe('eraseCustomer', () => {
  const request = (extra: Record<string, unknown> = {}) => ({ query: 'usr_1', reason: 'ticket 7310', actor: 'local:alice', ...extra });

  it('checks the grant, reads the account, writes the audit entry, and only then deletes (with the credential version read)', async () => {
    const p = ports();
    const out = await eraseCustomer(p, request());
    expect(p.calls).toEqual(['grant:usr_1', 'find:usr_1', 'audit:customers.erase:usr_1', 'erase:usr_1:{"version":3}:local:alice']);
    expect(out).toEqual({ customer: 'usr_1', outcome: 'deleted', deletedAt: '2026-12-07T00:00:01.000Z', erased: ['identity'], incomplete: [], auditSeq: 7, grant: 'gr_1' });
  });

  it('an account closed before: its erasure is finished, audited the same way', async () => {
    const p = ports({ closed: true });
    expect(await eraseCustomer(p, request())).toMatchObject({ outcome: 'finished', deletedAt: null });
    expect(p.calls).toEqual(['grant:usr_1', 'find:usr_1', 'audit:customers.erase:usr_1', 'finish:usr_1']);
  });

  it.each([
    ['the audit write fails', { failAudit: true }, {}],
    ['no grant', { noGrant: true }, {}],
    ['no reason', {}, { reason: '' }],
    ['no such account', {}, { query: 'usr_2' }],
  ])('%s: nothing is deleted', async (_label, options, extra) => {
    const p = ports(options);
    await expect(eraseCustomer(p, request(extra))).rejects.toThrow();
    expect(p.calls.filter((c) => c.startsWith('erase:') || c.startsWith('finish:'))).toEqual([]);
  });
});
