import { randomBytes } from 'node:crypto';
import { requireEnv, optionalEnv } from '../platform/config';
import { sesMailer } from '../platform/mailer';
import { NAMESPACES, publishCounts } from '../platform/metrics';
import { nowEpochMillis } from '../platform/time';
import { dynamoBackupsRepository } from './dynamo-backups-repository';
import { dynamoTableControl } from './dynamo-table-control';
import { s3ExportStore } from './s3-export-store';
import { dynamoDeletionLedger } from '../data-rights/dynamo-ledger';
import { kmsEmailDigester } from '../data-rights/kms-email-digest';
import { ledgerView, type LedgerEntry } from '../data-rights/ledger';
import type { BackedUpTable, BackupsDeps } from './types';

/** `accounts=helpshelf-prod-accounts:critical,rate-limits=helpshelf-prod-rate-limits,…` (sls/backup-tables.js). */
export function parseBackupTables(value: string): BackedUpTable[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const m = /^([a-z0-9-]+)=([A-Za-z0-9_.-]+?)(:critical)?$/.exec(entry);
      if (!m) throw new Error(`BACKUP_TABLES entry "${entry}" is not logical=name[:critical]`);
      return { logical: m[1], name: m[2], critical: Boolean(m[3]) };
    });
}

/** Everything the backup functions need, built once per execution environment from the stage's configuration. */
export function backupsDepsFromEnv(overrides: Partial<BackupsDeps> = {}): BackupsDeps {
  const stage = requireEnv('STAGE');
  return {
    repository: dynamoBackupsRepository(requireEnv('BACKUPS_TABLE')),
    control: dynamoTableControl(),
    store: s3ExportStore(),
    mailer: sesMailer(),
    metrics: { publish: (values) => publishCounts(NAMESPACES.backups, values) },
    tables: parseBackupTables(requireEnv('BACKUP_TABLES')),
    bucket: requireEnv('BACKUPS_BUCKET'),
    opsEmail: requireEnv('OPS_EMAIL'),
    stage,
    kmsKeyId: optionalEnv('BACKUP_KMS_KEY', '') || undefined,
    scratchPrefix: requireEnv('BACKUP_SCRATCH_PREFIX'),
    restorePrefix: requireEnv('BACKUP_RESTORE_PREFIX'),
    ledger: liveLedger(requireEnv('AUDIT_TABLE'), requireEnv('DELETION_LEDGER_KEY')),
    now: nowEpochMillis,
    newId: () => randomBytes(10).toString('hex'),
    ...overrides,
  };
}

/** The live deletion ledger (audit table) and its keyed digests, read fresh for every purge. */
function liveLedger(auditTable: string, ledgerKey: string): BackupsDeps['ledger'] {
  const ledger = dynamoDeletionLedger(auditTable);
  const digester = kmsEmailDigester(ledgerKey);
  return {
    async view() {
      const entries: LedgerEntry[] = [];
      for await (const entry of ledger.entries()) entries.push(entry);
      return ledgerView(entries);
    },
    digests: (emails) => digester.digests(emails),
  };
}
