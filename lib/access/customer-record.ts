import { BadRequestError, NotFoundError } from '../platform/errors';
import type { AuditEntry, AuditEvent } from '../audit/audit-log';
import { requireAccessReason } from './reason';
import { normaliseEmail } from '../platform/email';

/** The user item of the accounts table as stored (shared data contract); only some fields leave. */
export interface StoredUserItem {
  userId: string;
  email: string;
  name?: string | null;
  emailVerified?: boolean;
  createdAt?: string;
  verifiedAt?: string;
  billing?: Record<string, unknown>;
  [other: string]: unknown;
}

export interface CustomerDirectory {
  /** The userId the email lock item points at (the lock holds nothing else). */
  userIdForEmail(normalisedEmail: string): Promise<string | undefined>;
  profile(userId: string): Promise<StoredUserItem | undefined>;
}

export type AuditWriter = (event: AuditEvent, alongside?: unknown[]) => Promise<AuditEntry>;

/** The grant check (grants.ts requireActiveGrant, bound to the engineer): the grant in force, or a 403 already audited. */
export type GrantCheck = (customerId: string, reason: string) => Promise<{ grantId: string; emergency: boolean }>;

/** The customer's access-log entry for this read, written in the audit entry's transaction. */
export type ReadLogWrite = (customerId: string, at: string, reason: string) => unknown;

export interface CustomerBilling {
  customerId: string | null;
  subscriptionId: string | null;
  status: string | null;
  plan: string | null;
  periodEnd: string | number | null;
  updatedAt: string | number | null;
}

/** What `customers show` returns: an allow-list, so a new secret attribute can never leak by default. */
export interface CustomerRecord {
  id: string;
  email: string;
  name: string | null;
  verified: boolean;
  verifiedAt: string | null;
  created: string | null;
  billing: CustomerBilling | null;
}

export const CUSTOMER_SHOW_ACTION = 'customers.show';

const billingField = (billing: Record<string, unknown>, name: string): string | null => {
  const v = billing[name];
  return typeof v === 'string' ? v : null;
};
const billingTime = (billing: Record<string, unknown>, name: string): string | number | null => {
  const v = billing[name];
  return typeof v === 'string' || typeof v === 'number' ? v : null;
};

export function toCustomerRecord(item: StoredUserItem): CustomerRecord {
  const billing = item.billing && typeof item.billing === 'object' ? item.billing : undefined;
  return {
    id: item.userId,
    email: item.email,
    name: typeof item.name === 'string' ? item.name : null,
    verified: item.emailVerified === true,
    verifiedAt: typeof item.verifiedAt === 'string' ? item.verifiedAt : null,
    created: typeof item.createdAt === 'string' ? item.createdAt : null,
    billing: billing
      ? {
          customerId: billingField(billing, 'customerId'),
          subscriptionId: billingField(billing, 'subscriptionId'),
          status: billingField(billing, 'status'),
          plan: billingField(billing, 'plan'),
          periodEnd: billingTime(billing, 'periodEnd'),
          updatedAt: billingTime(billing, 'updatedAt'),
        }
      : null,
  };
}


/** Customer ids as the system mints them (`usr_…`): anything else would become an audit subject as typed. */
const CUSTOMER_ID = /^usr_[A-Za-z0-9_-]{1,64}$/;

/** An id or an email address; anything else is a 400 before it reaches the audit log. */
export function parseCustomerQuery(raw: string): { userId: string } | { email: string } {
  const query = raw.trim();
  if (!query) throw new BadRequestError('missing_argument', 'Name the customer: an id (usr_…) or an email address.');
  if (query.includes('@')) return { email: normaliseEmail(query) };
  if (!CUSTOMER_ID.test(query)) throw new BadRequestError('invalid_customer', 'A customer is an id (usr_ followed by letters, digits, _ or -) or an email address.');
  return { userId: query };
}

/**
 * The customer's id for an action that changes or reads one customer (`customers factors`,
 * `factor-off`, `erase`): an id as given, an email through the lock item. An unknown email is a
 * 404 whose attempt is audited first, as `customers show` does.
 */
export async function resolveCustomerId(ports: { directory: CustomerDirectory; audit: AuditWriter }, rawQuery: string, action: string, actor: string, reason: string): Promise<string> {
  const query = parseCustomerQuery(rawQuery);
  const userId = 'email' in query ? await ports.directory.userIdForEmail(query.email) : query.userId;
  if (userId) return userId;
  const email = 'email' in query ? query.email : '';
  await ports.audit({ actor, action, subject: `email:${email}`, reason, details: { lookup: 'email', outcome: 'customer_not_found' } });
  throw new NotFoundError('customer_not_found', `No customer with email ${email}.`);
}

/**
 * One customer's record, for a stated reason and under the engineer's own active grant. Order
 * matters: the reason is checked first; an email is resolved to its id through the email lock
 * item (which holds nothing but the id); the grant is checked (a refusal is audited); then the
 * audit entry is written, with the customer's access-log entry in the same transaction; only then
 * is the profile read. If the audit write fails, nothing is read and nothing is returned. An
 * attempt on an unknown email is audited too (no customer, so no grant to check).
 */
export async function showCustomer(
  ports: { directory: CustomerDirectory; audit: AuditWriter; requireGrant: GrantCheck; readLog: ReadLogWrite; now: () => string },
  request: { query: string; reason: unknown; actor: string },
): Promise<{ customer: CustomerRecord; auditSeq: number; grant: string | null }> {
  const reason = requireAccessReason(request.reason);
  const query = parseCustomerQuery(request.query);
  const byEmail = 'email' in query;
  const userId = 'email' in query ? await ports.directory.userIdForEmail(query.email) : query.userId;
  const subject = userId ?? `email:${'email' in query ? query.email : ''}`;
  const grant = userId ? await ports.requireGrant(userId, reason) : undefined;
  const entry = await ports.audit(
    {
      actor: request.actor,
      action: CUSTOMER_SHOW_ACTION,
      subject,
      reason,
      details: { lookup: byEmail ? 'email' : 'id', ...(grant ? { grant: grant.grantId, emergency: grant.emergency } : {}) },
    },
    userId ? [ports.readLog(userId, ports.now(), reason)] : undefined,
  );
  const item = userId ? await ports.directory.profile(userId) : undefined;
  if (!item) throw new NotFoundError('customer_not_found', `No customer with ${'email' in query ? `email ${query.email}` : `id ${query.userId}`}.`);
  return { customer: toCustomerRecord(item), auditSeq: entry.seq, grant: grant?.grantId ?? null };
}
