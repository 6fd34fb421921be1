import type { BillingChange, BillingRepository, CommitOutcome } from '../../lib/billing/apply';
import type { BillingView, CustomerState } from '../../lib/billing/customer-state';

/** An in-memory BillingRepository with the same conditions as the DynamoDB adapter, for unit tests. */
export function memoryBillingRepository() {
  const markers = new Map<string, { notifyPending: boolean }>();
  const customers = new Map<string, CustomerState>();
  const users = new Map<string, { email: string; billing?: BillingView }>();
  const repository: BillingRepository = {
    async appliedMarker(eventId) {
      const m = markers.get(eventId);
      return m ? { ...m } : undefined;
    },
    async loadCustomer(customerId) {
      const c = customers.get(customerId);
      return c ? { ...c } : undefined;
    },
    async loadUser(userId) {
      const u = users.get(userId);
      return u ? { userId, email: u.email, billingCustomerId: u.billing?.customerId ?? null } : undefined;
    },
    async commit(change: BillingChange): Promise<CommitOutcome> {
      const stored = customers.get(change.next.customerId);
      if ((stored?.rev ?? 0) !== (change.previous?.rev ?? 0) || Boolean(stored) !== Boolean(change.previous)) return 'conflict';
      if (markers.has(change.eventId)) return 'duplicate';
      for (const w of change.userWrites) {
        const u = users.get(w.userId);
        if (!u || (u.billing?.customerId ?? null) !== w.expectedCustomerId) return 'conflict';
      }
      customers.set(change.next.customerId, { ...change.next, rev: (change.previous?.rev ?? 0) + 1 });
      markers.set(change.eventId, { notifyPending: change.notifyPending });
      for (const w of change.userWrites) {
        const u = users.get(w.userId)!;
        if (w.billing) u.billing = w.billing;
        else delete u.billing;
      }
      return 'committed';
    },
    async clearNotifyPending(eventId) {
      const m = markers.get(eventId);
      if (m) m.notifyPending = false;
    },
  };
  return { repository, markers, customers, users };
}
