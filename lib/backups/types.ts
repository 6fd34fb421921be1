/**
 * Backups: the records the backups table keeps and the ports the domain uses. Domain modules
 * (exports.ts, drill.ts, restore.ts) never see an AWS client; the adapters in this folder
 * (dynamo-*.ts, s3-*.ts) implement these ports.
 */
import type { Mailer } from '../platform/mailer';

export const EXPORT_TYPES = { full: 'FULL_EXPORT', incremental: 'INCREMENTAL_EXPORT' } as const;
export type ExportType = (typeof EXPORT_TYPES)[keyof typeof EXPORT_TYPES];

export const EXPORT_STATUS = {
  starting: 'STARTING',
  inProgress: 'IN_PROGRESS',
  completed: 'COMPLETED',
  failed: 'FAILED',
} as const;
export type ExportStatus = (typeof EXPORT_STATUS)[keyof typeof EXPORT_STATUS];

/** One table the backups cover, as configured for the stage (BACKUP_TABLES). */
export interface BackedUpTable {
  /** Short name used by people and the CLI: accounts, tokens, rate-limits… */
  logical: string;
  /** The DynamoDB table name of the stage. */
  name: string;
  /** Critical tables also get incremental exports. */
  critical: boolean;
}

/** The time window an export covers; its key makes a repeated run idempotent. */
export interface ExportWindow {
  type: ExportType;
  /** e.g. `2026-11-24` (full, daily) or `2026-11-24T04` (incremental, start of the window). */
  key: string;
  /** Start of the window (ISO). For incremental exports, ExportFromTime. */
  from: string;
  /** End of the window (ISO). For incremental exports, ExportToTime. */
  to: string;
}

export interface ExportRecord {
  table: string;
  tableName: string;
  type: ExportType;
  window: string;
  windowFrom: string;
  windowTo: string;
  status: ExportStatus;
  clientToken: string;
  bucket: string;
  prefix: string;
  startedAt: string;
  updatedAt: string;
  exportArn?: string;
  /** The last segment of the export ARN: what people pass to `backups restore --export`. */
  exportId?: string;
  /** The instant the export is a snapshot of (DescribeExport ExportTime, else when it started). */
  exportTime?: string;
  completedAt?: string;
  itemCount?: number;
  billedSizeBytes?: number;
  /** The S3 prefix holding the export's data files (the ImportTable source). */
  dataPrefix?: string;
  dataObjects?: number;
  dataBytes?: number;
  location?: string;
  failureCode?: string;
  failureMessage?: string;
}

/** What the backups table stores and answers. */
export interface BackupsRepository {
  /** Claims a window for a table: false when a record for it exists already. */
  claimExport(record: ExportRecord): Promise<boolean>;
  getExport(table: string, window: ExportWindow): Promise<ExportRecord | undefined>;
  updateExport(record: ExportRecord): Promise<void>;
  /** A table's export records, newest window first. */
  recentExports(table: string, limit: number): Promise<ExportRecord[]>;
  /** The newest record of a table matching the predicate, searching newest first. */
  findExport(table: string, predicate: (record: ExportRecord) => boolean): Promise<ExportRecord | undefined>;
  /** Records an alert key once; false when it was recorded before (so each alert is sent once). */
  claimAlert(key: string, at: string): Promise<boolean>;
  putDrill(drill: DrillRecord): Promise<void>;
  getDrill(drillId: string): Promise<DrillRecord | undefined>;
  openDrills(limit: number): Promise<DrillRecord[]>;
  putRestore(restore: RestoreRecord): Promise<void>;
  /** The newest restore record into this target table. */
  findRestore(targetTable: string): Promise<RestoreRecord | undefined>;
  /**
   * Moves the public evidence summary forward (the Security page reads it, one item): a fact
   * replaces the stored one only when it is newer, in one conditional write, so an older run
   * finishing late never hides a newer backup or drill.
   */
  recordEvidence(fact: EvidenceFact): Promise<void>;
  /** The evidence summary: one read. */
  evidence(): Promise<SecurityEvidence>;
}

/** The last completed backup, as the Security page shows it. */
export interface BackupEvidence {
  /** When the export completed (the tracker saw it finish). */
  at: string;
  /** The point in time the export holds the data of. */
  exportTime: string;
  type: ExportType;
  table: string;
}

/** The last restore drill that passed: every table restored equal to its export. */
export interface DrillEvidence {
  at: string;
  drillId: string;
  tables: number;
}

export type EvidenceFact = ({ kind: 'backup' } & BackupEvidence) | ({ kind: 'drill' } & DrillEvidence);

export interface SecurityEvidence {
  lastBackup: BackupEvidence | null;
  lastRestoreDrill: DrillEvidence | null;
}

export interface StartExportRequest {
  tableArn: string;
  bucket: string;
  prefix: string;
  clientToken: string;
  type: ExportType;
  /** Incremental exports only. */
  from?: Date;
  to?: Date;
}

export interface ExportDescription {
  exportArn: string;
  status: ExportStatus;
  exportTime?: string;
  itemCount?: number;
  billedSizeBytes?: number;
  failureCode?: string;
  failureMessage?: string;
}

export interface TableSchema {
  tableArn: string;
  keySchema: Array<{ AttributeName: string; KeyType: 'HASH' | 'RANGE' }>;
  attributeDefinitions: Array<{ AttributeName: string; AttributeType: 'S' | 'N' | 'B' }>;
  globalSecondaryIndexes?: Array<{
    IndexName: string;
    KeySchema: Array<{ AttributeName: string; KeyType: 'HASH' | 'RANGE' }>;
    Projection: { ProjectionType?: string; NonKeyAttributes?: string[] };
  }>;
}

export type ImportStatus = 'IN_PROGRESS' | 'COMPLETED' | 'FAILED' | 'CANCELLED' | 'CANCELLING';

export interface ImportDescription {
  importArn: string;
  status: ImportStatus;
  importedItemCount?: number;
  errorCount?: number;
  failureCode?: string;
  failureMessage?: string;
}

/** A DynamoDB attribute value as the low-level API and the DYNAMODB_JSON export carry it. */
export type AttributeValue = Record<string, unknown>;
export type DynamoItem = Record<string, AttributeValue>;

/** The DynamoDB control plane the backups need. */
export interface TableControl {
  describeTable(tableName: string): Promise<TableSchema>;
  startExport(request: StartExportRequest): Promise<ExportDescription>;
  describeExport(exportArn: string): Promise<ExportDescription>;
  importTable(request: {
    tableName: string;
    bucket: string;
    dataPrefix: string;
    schema: TableSchema;
    clientToken: string;
    kmsKeyId?: string;
  }): Promise<ImportDescription>;
  describeImport(importArn: string): Promise<ImportDescription>;
  restoreToPointInTime(request: { sourceTable: string; targetTable: string; time?: Date; kmsKeyId?: string }): Promise<{ status: string }>;
  tableStatus(tableName: string): Promise<string | undefined>;
  deleteTable(tableName: string): Promise<void>;
  /** Every item of a table (a full Scan, paginated): only for verifying a restored table. */
  scanItems(tableName: string): AsyncIterable<DynamoItem>;
  /** Deletes and overwrites items of a restored or scratch table (the deletion ledger's purge). */
  writeItems(tableName: string, writes: { deleteKeys: DynamoItem[]; puts: DynamoItem[] }): Promise<void>;
}

/** The deletion ledger as the backups read it (lib/data-rights/ledger.ts): never restored, always live. */
export interface BackupsLedger {
  view(): Promise<import('../data-rights/ledger').LedgerView>;
  /** Keyed digests of normalised addresses. */
  digests(emails: readonly string[]): Promise<Map<string, string>>;
}

/** Reads an export's files from the backups bucket. */
export interface ExportStore {
  /** The data files under an export's prefix (AWSDynamoDB/<id>/data/…). */
  dataFiles(bucket: string, prefix: string): Promise<Array<{ key: string; size: number }>>;
  /** The items of the data files under a data prefix, one DYNAMODB_JSON line at a time. */
  items(bucket: string, dataPrefix: string): AsyncIterable<DynamoItem>;
}

export interface Metrics {
  /** Counts in one Embedded Metric Format line (lib/platform/metrics.ts); the alarms in sls/resources/backups.yml watch these. */
  publish(values: Record<string, number>): void;
}

export interface BackupsDeps {
  repository: BackupsRepository;
  control: TableControl;
  store: ExportStore;
  mailer: Mailer;
  metrics: Metrics;
  tables: BackedUpTable[];
  bucket: string;
  opsEmail: string;
  stage: string;
  kmsKeyId?: string;
  /** Prefix of drill scratch tables, e.g. `helpshelf-prod-drill-`. */
  scratchPrefix: string;
  /** Prefix every restore target must carry, e.g. `helpshelf-prod-restored-`. */
  restorePrefix: string;
  ledger: BackupsLedger;
  now: () => number;
  newId: () => string;
}

export type DrillTableStatus = 'IMPORTING' | 'EQUAL' | 'DIFFERENT' | 'FAILED';

export interface DrillTableResult {
  table: string;
  exportId?: string;
  exportWindow?: string;
  scratchTable?: string;
  importArn?: string;
  status: DrillTableStatus;
  exportItemCount?: number;
  restoredItemCount?: number;
  /** What ImportTable reported: items written and lines it could not import. */
  importedItemCount?: number;
  importErrorCount?: number;
  exportChecksum?: string;
  restoredChecksum?: string;
  message?: string;
  scratchDeleted?: boolean;
  /** Deleted accounts the restored copy still named, and the items the purge removed or scrubbed. */
  purgedAccounts?: number;
  purgedItems?: number;
}

export interface DrillRecord {
  drillId: string;
  startedAt: string;
  updatedAt: string;
  finishedAt?: string;
  status: 'RUNNING' | 'PASSED' | 'FAILED';
  actor: string;
  tables: DrillTableResult[];
}

export interface RestoreRecord {
  restoreId: string;
  at: string;
  actor: string;
  table: string;
  targetTable: string;
  method: 'IMPORT_FROM_EXPORT' | 'POINT_IN_TIME';
  exportId?: string;
  toTime?: string;
  importArn?: string;
  reason?: string;
  /** Set once the restored table was purged of deleted accounts: only then is it handed over. */
  purge?: PurgeResult;
}

/** What applying the deletion ledger to a restored table removed. */
export interface PurgeResult {
  at: string;
  /** Deleted accounts the restored data still named. */
  accounts: number;
  deletedItems: number;
  scrubbedItems: number;
}
