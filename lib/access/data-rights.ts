import type { DataRightsPart } from '../data-rights/part';
import type { AuditEntry } from '../audit/audit-log';

/**
 * The access log's part of a customer's data rights: what engineers did with the customer's data
 * (the audit log's entries about this customer, as the customer sees them: time, action, the
 * ticket or incident reference, a team role, never a person's name). The audit log itself is
 * kept when an account is deleted (entries name only the opaque user id): nothing to erase.
 */
export function accessLogDataRights(entriesAbout: (userId: string) => AsyncIterable<AuditEntry>): DataRightsPart {
  return {
    name: 'access-log',
    covers: {},
    async export(subject) {
      const accessLog = [];
      for await (const entry of entriesAbout(subject.userId)) {
        // The customer's own actions and the system's jobs are not engineers' access.
        if (entry.actor.startsWith('user:') || entry.actor.startsWith('system:')) continue;
        accessLog.push({ at: entry.at, action: entry.action, reason: entry.reason ?? null, actor: 'engineering' });
      }
      accessLog.sort((a, b) => (a.at < b.at ? 1 : -1));
      return { accessLog };
    },
    async erase() {},
  };
}
