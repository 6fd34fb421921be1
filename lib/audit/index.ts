import { requireEnv } from '../platform/config';
import { nowIso } from '../platform/time';
import { appendAuditEntry, type AuditEntry, type AuditEvent } from './audit-log';
import { dynamoAuditStore } from './dynamo-audit-store';

let store: ReturnType<typeof dynamoAuditStore> | undefined;

/** The stage's audit log (AUDIT_TABLE), for ops functions: `await audit({actor, action, subject, reason})`. */
export function auditStore() {
  store ??= dynamoAuditStore(requireEnv('AUDIT_TABLE'));
  return store;
}

export function audit(event: AuditEvent): Promise<AuditEntry> {
  return appendAuditEntry(auditStore(), event, nowIso);
}
