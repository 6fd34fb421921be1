import type { DataRightsPart } from '../data-rights/part';
import { readAccessLog, type AccessLogSource } from './access-log';

/** The access table's items about one customer: their grants (`CUST#<id>`) and their access log (`LOG#customer:<id>`). */
export function isCustomerAccessItem(item: Record<string, unknown>): boolean {
  const pk = typeof item.pk === 'string' ? item.pk : '';
  const sk = typeof item.sk === 'string' ? item.sk : '';
  return (pk.startsWith('CUST#') && sk.startsWith('GRANT#')) || pk.startsWith('LOG#customer:');
}

/**
 * The access log's part of a customer's data rights: what engineers did with the customer's data,
 * exactly as GET /v1/me/access-log shows it (readAccessLog: time, action, the ticket or incident
 * reference, a team role, never a person's name).
 *
 * Erasure keeps the access table's items, as it keeps the audit entries they mirror: grants and
 * access-log entries are the record of engineer access (an erasure asked by mail is itself done
 * under a grant), they name the customer by the opaque user id only (never the address or name),
 * and a restore keeps them the same way (lib/data-rights/ledger.ts: `access` is a `keep` table).
 */
export function accessLogDataRights(source: AccessLogSource): DataRightsPart {
  return {
    name: 'access-log',
    covers: { access: isCustomerAccessItem },
    async export(subject) {
      return { accessLog: await readAccessLog(source, { id: subject.userId, createdAt: subject.createdAt }) };
    },
    async erase() {},
  };
}
