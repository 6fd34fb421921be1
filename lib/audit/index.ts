import { requireEnv } from '../platform/config';
import { nowIso } from '../platform/time';
import { appendAuditEntry, type AlongsideWrite, type AuditChain, type AuditEntry, type AuditEvent } from './audit-log';
import { dynamoAuditStore } from './dynamo-audit-store';
import { kmsChainMac } from './kms-chain-mac';
import { s3AuditAnchors } from './s3-audit-anchors';

let store: ReturnType<typeof dynamoAuditStore> | undefined;
let chain: AuditChain | undefined;

/** The stage's audit table (AUDIT_TABLE), to read entries. */
export function auditStore() {
  store ??= dynamoAuditStore(requireEnv('AUDIT_TABLE'));
  return store;
}

/** The stage's audit chain: the table, the KMS HMAC key (AUDIT_MAC_KEY) and the anchor bucket (AUDIT_ANCHOR_BUCKET). */
export function auditChain(): AuditChain {
  chain ??= { store: auditStore(), mac: kmsChainMac(requireEnv('AUDIT_MAC_KEY')), anchors: s3AuditAnchors(requireEnv('AUDIT_ANCHOR_BUCKET')) };
  return chain;
}

/**
 * For ops functions: `await audit({actor, action, subject, reason})`, keyed and anchored. With
 * `alongside` (a TransactWriteItem), the audited write commits in the same transaction as the
 * entry; AlongsideWriteRefusedError when its condition fails (nothing written).
 */
export function audit(event: AuditEvent, alongside?: AlongsideWrite): Promise<AuditEntry> {
  return appendAuditEntry(auditChain(), event, nowIso, 20, alongside);
}
