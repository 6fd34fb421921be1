import { advanceDrill, startDrill } from '../../../lib/backups/drill';
import { runExports } from '../../../lib/backups/exports';
import { EXPORT_TYPES, type BackupsDeps, type BackupsRepository, type DrillRecord, type DynamoItem, type ExportRecord, type SecurityEvidence, type StartExportRequest, type TableControl } from '../../../lib/backups/types';
import type { Mail } from '../../../lib/platform/mailer';
import { ledgerView } from '../../../lib/data-rights/ledger';

const NOW = Date.parse('2026-11-24T06:00:00Z');

function memoryRepository(): BackupsRepository & { exports: Map<string, ExportRecord> } {
  const exports = new Map<string, ExportRecord>();
  const drills = new Map<string, DrillRecord>();
  const alerts = new Set<string>();
  const evidence: SecurityEvidence = { lastBackup: null, lastRestoreDrill: null };
  const key = (r: { table: string; windowFrom: string; type: string }) => `${r.table}|${r.windowFrom}|${r.type}`;
  const newestFirst = (table: string) => [...exports.values()].filter((r) => r.table === table).sort((a, b) => (a.windowFrom < b.windowFrom ? 1 : -1));
  return {
    exports,
    async claimExport(r) {
      if (exports.has(key(r))) return false;
      exports.set(key(r), r);
      return true;
    },
    async getExport(table, w) {
      return exports.get(`${table}|${w.from}|${w.type}`);
    },
    async updateExport(r) {
      exports.set(key(r), r);
    },
    async recentExports(table, limit) {
      return newestFirst(table).slice(0, limit);
    },
    async findExport(table, predicate) {
      return newestFirst(table).find(predicate);
    },
    async claimAlert(k) {
      if (alerts.has(k)) return false;
      alerts.add(k);
      return true;
    },
    async putDrill(d) {
      drills.set(d.drillId, d);
    },
    async getDrill(id) {
      return drills.get(id);
    },
    async openDrills() {
      return [...drills.values()].filter((d) => d.status === 'RUNNING');
    },
    async putRestore() {},
    async findRestore() {
      return undefined;
    },
    async recordEvidence(fact) {
      const { kind, ...value } = fact;
      const slot = kind === 'backup' ? 'lastBackup' : 'lastRestoreDrill';
      const current = evidence[slot];
      if (!current || current.at < value.at) (evidence as unknown as Record<string, unknown>)[slot] = value;
    },
    async evidence() {
      return { ...evidence };
    },
  };
}

function fakeControl(overrides: Partial<TableControl> = {}): TableControl & { exportsStarted: StartExportRequest[]; deleted: string[] } {
  const exportsStarted: StartExportRequest[] = [];
  const deleted: string[] = [];
  return {
    exportsStarted,
    deleted,
    async describeTable(name) {
      return { tableArn: `arn:aws:dynamodb:eu-west-1:1:table/${name}`, keySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], attributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }] };
    },
    async startExport(request) {
      exportsStarted.push(request);
      return { exportArn: `${request.tableArn}/export/e-${exportsStarted.length}`, status: 'IN_PROGRESS' };
    },
    async describeExport(arn) {
      return { exportArn: arn, status: 'COMPLETED' };
    },
    async importTable(request) {
      return { importArn: `arn:aws:dynamodb:eu-west-1:1:table/${request.tableName}/import/i`, status: 'IN_PROGRESS' };
    },
    async describeImport(arn) {
      return { importArn: arn, status: 'COMPLETED', importedItemCount: 2, errorCount: 0 };
    },
    async restoreToPointInTime() {
      return { status: 'CREATING' };
    },
    async tableStatus() {
      return 'ACTIVE';
    },
    async deleteTable(name) {
      deleted.push(name);
    },
    async *scanItems() {
      yield { pk: { S: 'a' }, n: { N: '1' } };
      yield { pk: { S: 'b' }, n: { N: '2' } };
    },
    async writeItems() {
      throw new Error('nothing to purge in these drills');
    },
    ...overrides,
  };
}

function deps(control: TableControl, exportItems: DynamoItem[]): BackupsDeps & { mails: Mail[]; repository: ReturnType<typeof memoryRepository> } {
  const mails: Mail[] = [];
  return {
    mails,
    repository: memoryRepository(),
    control,
    store: {
      async dataFiles() {
        return [{ key: 'exports/x/AWSDynamoDB/e/data/1.json.gz', size: 10 }];
      },
      async *items() {
        yield* exportItems;
      },
    },
    mailer: { send: async (m) => void mails.push(m) },
    metrics: { publish: () => undefined },
    ledger: { view: async () => ledgerView([]), digests: async () => new Map() },
    tables: [
      { logical: 'accounts', name: 'hs-accounts', critical: true },
      { logical: 'rate-limits', name: 'hs-rate-limits', critical: false },
    ],
    bucket: 'bucket-1',
    opsEmail: 'ops@helpshelf.test',
    stage: 'unit',
    scratchPrefix: 'hs-drill-',
    restorePrefix: 'hs-restored-',
    now: () => NOW,
    newId: () => 'abcdef0123456789',
  };
}

async function completedFullExport(d: ReturnType<typeof deps>, table: string, itemCount: number) {
  await d.repository.claimExport({
    table, tableName: `hs-${table}`, type: EXPORT_TYPES.full, window: '2026-11-24', windowFrom: '2026-11-24T00:00:00.000Z', windowTo: '2026-11-25T00:00:00.000Z',
    status: 'COMPLETED', clientToken: 't', bucket: 'bucket-1', prefix: `exports/${table}/full/2026-11-24`, startedAt: '2026-11-24T01:30:00.000Z', updatedAt: '2026-11-24T01:31:00.000Z',
    exportId: `e-${table}`, dataPrefix: `exports/${table}/full/2026-11-24/AWSDynamoDB/e/data/`, itemCount,
  });
}

describe('exports and the restore drill (domain, with fakes)', () => {
  it('when the incremental export runs, it exports only the critical tables, for the last completed window', async () => {
    // Prepare
    const control = fakeControl();
    const d = deps(control, []);
    // Act
    const result = await runExports(d, EXPORT_TYPES.incremental);
    // Assess
    expect(result.exports.map((e) => e.table)).toEqual(['accounts']);
    expect(control.exportsStarted).toEqual([
      expect.objectContaining({ type: 'INCREMENTAL_EXPORT', from: new Date('2026-11-24T00:00:00Z'), to: new Date('2026-11-24T04:00:00Z'), prefix: 'exports/accounts/incremental/2026-11-24T00' }),
    ]);
  });

  it('when a restored table differs from its export, the drill reports DIFFERENT, fails, alerts and still deletes the scratch table', async () => {
    // Prepare: the export holds n=1 and n=3; the scratch table holds n=1 and n=2
    const control = fakeControl();
    const d = deps(control, [{ pk: { S: 'a' }, n: { N: '1' } }, { pk: { S: 'b' }, n: { N: '3' } }]);
    d.tables = [d.tables[0]];
    await completedFullExport(d, 'accounts', 2);
    // Act
    const started = await startDrill(d, 'local:test');
    const drill = (await advanceDrill(d, started.drillId))!;
    // Assess
    expect(drill.status).toBe('FAILED');
    expect(drill.tables[0]).toMatchObject({ status: 'DIFFERENT', exportItemCount: 2, restoredItemCount: 2, scratchDeleted: true });
    expect(drill.tables[0].exportChecksum).not.toBe(drill.tables[0].restoredChecksum);
    expect(control.deleted).toEqual(['hs-drill-accounts-0123456789']);
    expect(d.mails.map((m) => m.subject)).toEqual([`[HelpShelf unit] Restore drill FAILED (${drill.drillId})`]);
    // A failed drill is no evidence: the Security page keeps showing none
    expect((await d.repository.evidence()).lastRestoreDrill).toBeNull();
  });

  it('when an import fails or a table has no export, the drill fails for that table and alerts', async () => {
    // Prepare
    const control = fakeControl({ describeImport: async (arn) => ({ importArn: arn, status: 'FAILED', failureCode: 'ItemValidationError', failureMessage: 'bad line' }) });
    const d = deps(control, []);
    await completedFullExport(d, 'accounts', 2);
    // Act
    const started = await startDrill(d, 'local:test');
    const drill = (await advanceDrill(d, started.drillId))!;
    // Assess
    expect(drill.status).toBe('FAILED');
    expect(drill.tables).toEqual([
      expect.objectContaining({ table: 'accounts', status: 'FAILED', message: 'Import FAILED: ItemValidationError bad line', scratchDeleted: true }),
      expect.objectContaining({ table: 'rate-limits', status: 'FAILED', message: 'No completed full export to restore.' }),
    ]);
    expect(d.mails).toHaveLength(1);
  });

  it('when every restored table equals its export, the drill passes and sends no alert', async () => {
    const control = fakeControl();
    const d = deps(control, [{ pk: { S: 'b' }, n: { N: '2.0' } }, { pk: { S: 'a' }, n: { N: '1' } }]);
    d.tables = [d.tables[0]];
    await completedFullExport(d, 'accounts', 2);
    const started = await startDrill(d, 'local:test');
    const drill = (await advanceDrill(d, started.drillId))!;
    expect(drill).toMatchObject({ status: 'PASSED', tables: [expect.objectContaining({ status: 'EQUAL', exportItemCount: 2, restoredItemCount: 2 })] });
    expect(d.mails).toEqual([]);
    // The Security page's evidence names this drill, with the time it passed
    expect((await d.repository.evidence()).lastRestoreDrill).toEqual({ at: drill.finishedAt, drillId: drill.drillId, tables: 1 });
  });

  it('when the latest export of a table is empty, the drill checks its files hold no item and imports nothing', async () => {
    const imported: string[] = [];
    const control = fakeControl({ importTable: async (r) => (imported.push(r.tableName), { importArn: 'x', status: 'IN_PROGRESS' }) });
    const d = deps(control, []);
    d.tables = [d.tables[0]];
    await completedFullExport(d, 'accounts', 0);
    const drill = await startDrill(d, 'local:test');
    expect(drill).toMatchObject({ status: 'PASSED', tables: [expect.objectContaining({ status: 'EQUAL', exportItemCount: 0, message: 'Empty export: nothing to import.' })] });
    expect(imported).toEqual([]);
  });
});
