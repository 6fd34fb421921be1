import { showCustomer, type CustomerDirectory, type StoredUserItem } from '../../../lib/access/customer-record';
import type { AuditEntry, AuditEvent } from '../../../lib/audit/audit-log';
import { ForbiddenError } from '../../../lib/platform/errors';

const ITEM: StoredUserItem = {
  userId: 'usr_1',
  email: 'ada@example.test',
  name: 'Ada',
  passwordHash: '$argon2id$secret',
  emailVerified: true,
  createdAt: '2026-11-01T00:00:00.000Z',
  billing: { customerId: 'cus_1', status: 'active', plan: 'team', cardLast4: '4242' },
  totpSecret: 'JBSWY3DPEHPK3PXP',
};

function ports(options: { failAudit?: boolean; noGrant?: boolean } = {}) {
  const calls: string[] = [];
  const directory: CustomerDirectory = {
    userIdForEmail: async (email) => {
      calls.push(`lock:${email}`);
      return email === 'ada@example.test' ? 'usr_1' : undefined;
    },
    profile: async (id) => {
      calls.push(`profile:${id}`);
      return id === 'usr_1' ? ITEM : undefined;
    },
  };
  const audit = async (event: AuditEvent): Promise<AuditEntry> => {
    calls.push(`audit:${event.subject}`);
    if (options.failAudit) throw new Error('audit table unavailable');
    return { ...event, seq: 7, at: '2026-11-24T00:00:00.000Z', prevHash: '0', hash: '1' };
  };
  const requireGrant = async (customerId: string) => {
    calls.push(`grant:${customerId}`);
    if (options.noGrant) throw new ForbiddenError('grant_required', 'no grant');
    return { grantId: 'gr_1', emergency: false };
  };
  const readLog = (customerId: string) => ({ log: customerId });
  return { calls, directory, audit, requireGrant, readLog, now: () => '2026-11-24T00:00:00.000Z' };
}

describe('showCustomer', () => {
  it('writes the audit entry before it reads the profile, and returns only allow-listed fields', async () => {
    const p = ports();
    const out = await showCustomer(p, { query: 'Ada@Example.test', reason: 'ticket 4411', actor: 'arn:aws:iam::1:user/eng' });
    expect(p.calls).toEqual(['lock:ada@example.test', 'grant:usr_1', 'audit:usr_1', 'profile:usr_1']);
    expect(out).toEqual({
      auditSeq: 7,
      grant: 'gr_1',
      customer: {
        id: 'usr_1',
        email: 'ada@example.test',
        name: 'Ada',
        verified: true,
        verifiedAt: null,
        created: '2026-11-01T00:00:00.000Z',
        billing: { customerId: 'cus_1', subscriptionId: null, status: 'active', plan: 'team', periodEnd: null, updatedAt: null },
      },
    });
  });

  it('when the email is not one the system could hold (the one email rule), it is 400 invalid_email and touches nothing', async () => {
    const p = ports();
    // A Cyrillic "а" that a plain lower-casing would have looked up as another address.
    await expect(showCustomer(p, { query: 'adа@example.test', reason: 'ticket 4411', actor: 'local:x' })).rejects.toMatchObject({ status: 400, code: 'invalid_email' });
    expect(p.calls).toEqual([]);
  });

  it('when the audit write fails, it never reads the profile', async () => {
    const p = ports({ failAudit: true });
    await expect(showCustomer(p, { query: 'usr_1', reason: 'ticket 4411', actor: 'local:x' })).rejects.toThrow('audit table unavailable');
    expect(p.calls).toEqual(['grant:usr_1', 'audit:usr_1']);
  });

  it('without the engineer’s own active grant, it neither writes the read’s entry nor reads the profile', async () => {
    const p = ports({ noGrant: true });
    await expect(showCustomer(p, { query: 'usr_1', reason: 'ticket 4411', actor: 'local:x' })).rejects.toMatchObject({ status: 403, code: 'grant_required' });
    expect(p.calls).toEqual(['grant:usr_1']);
  });

  it.each(['usr_1\n2026-11-24 local:admin customers.show usr_2', 'usr_1\u001b[2K', 'usr_\u202eevil', 'admin', 'usr_'])(
    'a customer that is neither an id nor an email (%j) is 400 invalid_customer and touches nothing',
    async (query) => {
      const p = ports();
      await expect(showCustomer(p, { query, reason: 'ticket 4411', actor: 'local:x' })).rejects.toMatchObject({ status: 400, code: 'invalid_customer' });
      expect(p.calls).toEqual([]);
    },
  );

  it('when the reason is missing, it touches nothing', async () => {
    const p = ports();
    await expect(showCustomer(p, { query: 'ada@example.test', reason: undefined, actor: 'local:x' })).rejects.toMatchObject({ status: 400, code: 'reason_required' });
    expect(p.calls).toEqual([]);
  });
});
