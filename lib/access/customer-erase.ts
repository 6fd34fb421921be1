import { NotFoundError } from '../platform/errors';
import type { DataSubject, ErasureContext } from '../data-rights/part';
import { resolveCustomerId, type AuditWriter, type CustomerDirectory, type GrantCheck } from './customer-record';
import { requireAccessReason } from './reason';

/**
 * `customers erase (ID or EMAIL) --reason` (issue 25; docs/data-rights.md "A request by mail"): a
 * deletion request that arrives by mail, done by an engineer with the same deletion as DELETE
 * /v1/me (lib/data-rights/erasure.ts `deleteAccount`, called, never copied) and the same rules as
 * other customer access: the engineer's own active grant, a ticket or incident reference, and the
 * audit entry written BEFORE anything is deleted. The owner is mailed by the deletion itself.
 * An account already closed whose erasure did not finish (a part failed after retries) is finished
 * (`eraseParts`): the same command, audited the same way.
 */
export const CUSTOMER_ERASE_ACTION = 'customers.erase';

export interface ErasurePort {
  /** The account, read without a password; undefined when there is none. */
  find(userId: string): Promise<{ subject: DataSubject; guard: unknown; closed: boolean } | undefined>;
  /** The whole deletion (deleteAccount): Stripe first, the close transaction with the ledger entry, every part, the mail. */
  erase(subject: DataSubject, guard: unknown, context: ErasureContext): Promise<{ deletedAt: string; erased: string[]; incomplete: string[] }>;
  /** Step 3 alone (eraseParts), for an account already closed. */
  finish(subject: DataSubject, context: ErasureContext): Promise<{ erased: string[]; incomplete: string[] }>;
}

export interface CustomerErasePorts {
  directory: CustomerDirectory;
  audit: AuditWriter;
  requireGrant: GrantCheck;
  erasure: ErasurePort;
}

export interface CustomerEraseResult {
  customer: string;
  /** `deleted`: the account was closed and erased now; `finished`: it was closed before, its erasure is finished now. */
  outcome: 'deleted' | 'finished';
  deletedAt: string | null;
  erased: string[];
  incomplete: string[];
  auditSeq: number;
  grant: string;
}

/**
 * In this order: the reason (400); the customer resolved (404, the attempt audited); the
 * engineer's own grant (403, refusal audited); the account read (404, nothing written); the audit
 * entry `customers.erase` (if it fails, nothing is deleted); then the deletion, whose own entry
 * `account.deleted` names the engineer and the reason too.
 */
export async function eraseCustomer(ports: CustomerErasePorts, request: { query: string; reason: unknown; actor: string }): Promise<CustomerEraseResult> {
  const reason = requireAccessReason(request.reason);
  const userId = await resolveCustomerId(ports, request.query, CUSTOMER_ERASE_ACTION, request.actor, reason);
  const grant = await ports.requireGrant(userId, reason);
  const account = await ports.erasure.find(userId);
  if (!account) throw new NotFoundError('customer_not_found', `No customer with id ${userId}.`);
  const entry = await ports.audit({
    actor: request.actor,
    action: CUSTOMER_ERASE_ACTION,
    subject: userId,
    reason,
    details: { grant: grant.grantId, emergency: grant.emergency, closedBefore: account.closed },
  });
  const context: ErasureContext = { actor: request.actor, reason };
  if (account.closed) {
    const finished = await ports.erasure.finish(account.subject, context);
    return { customer: userId, outcome: 'finished', deletedAt: null, ...finished, auditSeq: entry.seq, grant: grant.grantId };
  }
  const report = await ports.erasure.erase(account.subject, account.guard, context);
  return { customer: userId, outcome: 'deleted', deletedAt: report.deletedAt, erased: report.erased, incomplete: report.incomplete, auditSeq: entry.seq, grant: grant.grantId };
}
