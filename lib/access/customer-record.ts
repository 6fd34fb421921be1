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

export type AuditWriter = (event: AuditEvent) => Promise<AuditEntry>;

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


/**
 * One customer's record, for a stated reason. Order matters: the reason is checked first, then
 * the audit entry is written (an email is first resolved to its id through the email lock item,
 * which holds nothing but the id), and only then is the profile read. If the audit write fails,
 * nothing is read and nothing is returned. An attempt on an unknown customer is audited too.
 */
export async function showCustomer(
  ports: { directory: CustomerDirectory; audit: AuditWriter },
  request: { query: string; reason: unknown; actor: string },
): Promise<{ customer: CustomerRecord; auditSeq: number }> {
  const reason = requireAccessReason(request.reason);
  const query = request.query.trim();
  if (!query) throw new BadRequestError('missing_argument', 'Name the customer: an id (usr_…) or an email address.');

  const byEmail = query.includes('@');
  const email = byEmail ? normaliseEmail(query) : undefined;
  const userId = email ? await ports.directory.userIdForEmail(email) : query;
  const subject = userId ?? `email:${email}`;
  const entry = await ports.audit({
    actor: request.actor,
    action: CUSTOMER_SHOW_ACTION,
    subject,
    reason,
    details: { lookup: byEmail ? 'email' : 'id' },
  });
  const item = userId ? await ports.directory.profile(userId) : undefined;
  if (!item) throw new NotFoundError('customer_not_found', `No customer with ${byEmail ? 'email' : 'id'} ${byEmail ? email : query}.`);
  return { customer: toCustomerRecord(item), auditSeq: entry.seq };
}
