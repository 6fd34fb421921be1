import { randomUUID } from 'node:crypto';
import { BatchWriteItemCommand, ListExportsCommand, type AttributeValue as SdkAttributeValue } from '@aws-sdk/client-dynamodb';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { dynamoClient } from '../../../lib/platform/aws/dynamodb';
import { s3Client } from '../../../lib/platform/aws/s3';
import { setClock } from '../../../lib/platform/time';
import { backupsDepsFromEnv, parseBackupTables } from '../../../lib/backups/config';
import { canonicalItem } from '../../../lib/backups/checksum';
import { checkFreshness, runExports, trackExports } from '../../../lib/backups/exports';
import { EXPORT_TYPES, type BackupsDeps, type DynamoItem } from '../../../lib/backups/types';
import { auditStore } from '../../../lib/audit';
import { invokeOps, opsResult } from '../../support/ops';
import { mailTo } from '../../support/mail';

jest.setTimeout(120_000);

const HOUR = 3_600_000;
const tables = parseBackupTables(process.env.BACKUP_TABLES!);
const bucket = process.env.BACKUPS_BUCKET!;

/** A far-future UTC day of its own, so this test's export window is nobody else's. */
function uniqueDay(fromYear: number): number {
  return Date.UTC(fromYear + Math.floor(Math.random() * 50), 0, 1) + Math.floor(Math.random() * 360) * 24 * HOUR + 10 * HOUR;
}

/** Numbers at the edges of DynamoDB's range, sets, maps, lists and binary. */
function edgeItem(tag: string, i: number): Record<string, SdkAttributeValue> {
  return {
    pk: { S: `BKT#${tag}#${i}` },
    sk: { S: `ITEM#${String(i).padStart(4, '0')}` },
    digits38: { N: '12345678901234567890123456789012345678' },
    negDigits38: { N: '-9.9999999999999999999999999999999999999E+125' },
    huge: { N: '1E+125' },
    tiny: { N: '-1E-130' },
    smallPositive: { N: '1E-130' },
    zero: { N: '0' },
    index: { N: String(i) },
    // JSON escapes, non-ASCII and markup: stock moto's ImportTable mangled these; the emulator
    // launcher (scripts/emulator/moto_atomic_server.py) reads exports as JSON lines, as AWS does.
    text: { S: `hello ${i} "quoted" \\ back\nslash é ü 日本 <script>alert(1)</script>` },
    emptyMap: { M: {} },
    flag: { BOOL: i % 2 === 0 },
    nothing: { NULL: true },
    bytes: { B: Buffer.from([0, 255, i % 256, 128, 10]) },
    strings: { SS: [`a${i}`, 'b', 'z'] },
    numbers: { NS: ['1', '-1E-130', '99999999999999999999999999999999999999', String(i + 0.5)] },
    binaries: { BS: [Buffer.from('x'), Buffer.from([1, 2, 3, i % 256])] },
    nested: { M: { list: { L: [{ S: 'one' }, { N: '2.5' }, { M: { deep: { NS: ['3', '4'] } } }] }, inner: { M: { k: { S: 'v' } } } } },
  };
}

async function seed(tag: string, count: number): Promise<Map<string, Array<Record<string, SdkAttributeValue>>>> {
  const byTable = new Map<string, Array<Record<string, SdkAttributeValue>>>();
  for (let i = 0; i < count; i += 1) {
    const table = tables[i % tables.length].name;
    byTable.set(table, [...(byTable.get(table) ?? []), edgeItem(tag, i)]);
  }
  for (const [table, items] of byTable) {
    for (let i = 0; i < items.length; i += 25) {
      await dynamoClient.send(new BatchWriteItemCommand({ RequestItems: { [table]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) } }));
    }
  }
  return byTable;
}

/** Reads the SDK's bytes the way the export writes them (base64), for comparing canonical forms. */
function asExportItem(item: Record<string, SdkAttributeValue>): DynamoItem {
  return item as unknown as DynamoItem;
}

async function trackUntilDone(deps?: BackupsDeps): Promise<void> {
  for (let i = 0; i < 50; i += 1) {
    const tracked = deps ? await trackExports(deps) : await opsResult<{ inProgress: number }>('opsBackups', 'track');
    if (tracked.inProgress === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('exports did not finish');
}

async function exportDirectories(prefix: string): Promise<Set<string>> {
  const out = await s3Client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${prefix}/AWSDynamoDB/` }));
  return new Set((out.Contents ?? []).map((o) => o.Key!.split('/AWSDynamoDB/')[1].split('/')[0]));
}

afterEach(() => setClock(undefined));

describe('backups: scheduled exports and the restore drill (against the emulator)', () => {
  it('when 1,000 items with edge values are exported and the drill restores them, every table is restored equal to its export', async () => {
    // Prepare
    const tag = randomUUID();
    const seeded = await seed(tag, 1000);
    const day = uniqueDay(2900);
    setClock(day); // later than this file's other windows (the drill takes the newest export; another file's may be newer)
    const window = new Date(day).toISOString().slice(0, 10);

    const backupEvidenceBefore = (await backupsDepsFromEnv().repository.evidence()).lastBackup;

    // Act
    const run = await opsResult<{ exports: Array<{ table: string; outcome: string }> }>('opsBackups', 'run', { type: 'full' });
    await trackUntilDone();
    const listed = await opsResult<{ exports: Array<{ table: string; status: string; itemCount: number; window: string }> }>('opsBackups', 'list', { limit: tables.length * 4 });
    // Other files' exports run meanwhile on the same emulator: this run's are those of its window.
    const exports = listed.exports.filter((e) => e.window === window);

    // Assess: every table exported once, completed, with item counts
    expect(run.exports.map((e) => e.table).sort()).toEqual(tables.map((t) => t.logical).sort());
    expect(run.exports.every((e) => e.outcome === 'started')).toBe(true);
    expect(exports.map((e) => e.table).sort()).toEqual(tables.map((t) => t.logical).sort());
    for (const e of exports) expect(e).toMatchObject({ status: 'COMPLETED', itemCount: expect.any(Number) });

    // Assess: each export holds every seeded item, attribute for attribute
    const deps = backupsDepsFromEnv();
    for (const table of tables) {
      const record = (await deps.repository.recentExports(table.logical, 10)).find((r) => r.window === window)!;
      const exported = new Map<string, string>();
      for await (const item of deps.store.items(record.bucket, record.dataPrefix!)) exported.set(`${(item.pk as { S: string }).S}|${(item.sk as { S: string }).S}`, canonicalItem(item));
      expect(exported.size).toBe(record.itemCount);
      for (const item of seeded.get(table.name) ?? []) {
        expect(exported.get(`${item.pk.S}|${item.sk.S}`)).toBe(canonicalItem(asExportItem(item)));
      }
    }

    // Act: the drill
    const evidenceBefore = await deps.repository.evidence();
    const started = await opsResult<{ drillId: string; status: string }>('opsBackups', 'restore-drill');
    let drill = started as { drillId: string; status: string; tables: Array<{ table: string; status: string; exportItemCount: number; restoredItemCount: number; purgedItems?: number; checksumsEqual: boolean; scratchTable: string; scratchDeleted: boolean }> };
    for (let i = 0; i < 50 && drill.status === 'RUNNING'; i += 1) {
      await new Promise((r) => setTimeout(r, 100));
      drill = await opsResult('opsBackups', 'restore-drill-status', { id: started.drillId });
    }

    // Assess: every table restored, equal, scratch tables gone, the drill audited
    expect({ status: drill.status, tables: drill.tables.filter((t) => t.status !== 'EQUAL') }).toEqual({ status: 'PASSED', tables: [] });
    expect(drill.tables.map((t) => t.table).sort()).toEqual(tables.map((t) => t.logical).sort());
    for (const t of drill.tables) {
      expect(t).toMatchObject({ status: 'EQUAL', checksumsEqual: true, scratchDeleted: true });
      // Every exported item came back but those of accounts deleted earlier (the data-rights tests
      // delete some, and the drill may take their newer export), which the drill purges first.
      const purged = t.exportItemCount - t.restoredItemCount;
      expect({ table: t.table, purged: purged >= 0 && purged <= (t.purgedItems ?? 0), none: (t.purgedItems ?? 0) > 0 || purged === 0 }).toEqual({ table: t.table, purged: true, none: true });
      expect(await deps.control.tableStatus(t.scratchTable)).toBeUndefined();
    }
    const audited: string[] = [];
    for await (const entry of auditStore().all()) if (entry.subject === started.drillId) audited.push(entry.action);
    expect(audited).toEqual(['backups.restore_drill.start', 'backups.restore_drill.finish']);

    // Assess: the Security page's evidence moved forward to this drill and a completed export, unless
    // a newer fact was there already (the emulator is shared with other tests)
    const evidence = await deps.repository.evidence();
    const finished = (await deps.repository.getDrill(started.drillId))!.finishedAt!;
    if (!evidenceBefore.lastRestoreDrill || evidenceBefore.lastRestoreDrill.at < finished) {
      expect(evidence.lastRestoreDrill).toEqual({ at: finished, drillId: started.drillId, tables: tables.length });
    } else {
      expect(evidence.lastRestoreDrill).toEqual(evidenceBefore.lastRestoreDrill);
    }
    const completions = (await Promise.all(tables.map(async (t) => (await deps.repository.recentExports(t.logical, 1))[0]))).map((r) => r.completedAt!).sort();
    const newestCompletion = completions[completions.length - 1];
    if (!backupEvidenceBefore || backupEvidenceBefore.at < newestCompletion) {
      expect(evidence.lastBackup).toMatchObject({ at: newestCompletion, type: 'FULL_EXPORT' });
    } else {
      expect(evidence.lastBackup).toEqual(backupEvidenceBefore);
    }
  });

  it('when the export runs again in the same window, concurrently or later, it starts no second export', async () => {
    // Prepare
    const day = uniqueDay(2300);
    setClock(day);

    // Act
    const [a, b] = await Promise.all([
      opsResult<{ exports: Array<{ table: string; outcome: string; exportId?: string }> }>('opsBackups', 'run', { type: 'full' }),
      opsResult<{ exports: Array<{ table: string; outcome: string; exportId?: string }> }>('opsBackups', 'run', { type: 'full' }),
    ]);
    setClock(day + 13 * HOUR);
    const later = await opsResult<{ exports: Array<{ table: string; outcome: string; exportId?: string }> }>('opsBackups', 'run', { type: 'full' });
    await trackUntilDone();

    // Assess: one export directory per table in the window's prefix, whatever the number of runs
    for (const table of tables) {
      const outcomes = [a, b, later].map((r) => r.exports.find((e) => e.table === table.logical)!.outcome).sort();
      expect(outcomes).toEqual(['existing', 'existing', 'started']);
      const dirs = await exportDirectories(`exports/${table.logical}/full/${new Date(day).toISOString().slice(0, 10)}`);
      expect(dirs.size).toBe(1);
    }
  });

  it('when the bucket is missing, the export is recorded as FAILED and the ops address is alerted once', async () => {
    // Prepare
    const id = randomUUID().slice(0, 8);
    const opsEmail = `ops-${id}@helpshelf.test`;
    const published: Array<Record<string, number>> = [];
    const deps = backupsDepsFromEnv({
      bucket: `helpshelf-local-missing-${id}`,
      opsEmail,
      tables: [{ logical: `missing-${id}`, name: tables[0].name, critical: true }],
      metrics: { publish: (v) => published.push(v) },
    });
    setClock(uniqueDay(2200));

    // Act
    await runExports(deps, EXPORT_TYPES.full);
    await trackUntilDone(deps);
    await trackExports(deps);

    // Assess
    const [record] = await deps.repository.recentExports(`missing-${id}`, 5);
    expect(record).toMatchObject({ status: 'FAILED', failureCode: 'S3NoSuchBucket' });
    const failures = (await mailTo(opsEmail)).filter((m) => m.subject.includes('Backup export FAILED'));
    expect(failures).toHaveLength(1);
    expect(failures[0].body).toContain('S3NoSuchBucket');
    expect(published.some((v) => v.ExportsFailed === 1)).toBe(true);
  });

  it('when the export call itself fails (no such table), it is recorded as FAILED and alerted', async () => {
    // Prepare
    const id = randomUUID().slice(0, 8);
    const opsEmail = `ops-${id}@helpshelf.test`;
    const deps = backupsDepsFromEnv({ opsEmail, tables: [{ logical: `gone-${id}`, name: `helpshelf-local-gone-${id}`, critical: true }] });
    setClock(uniqueDay(2200));

    // Act
    const result = await runExports(deps, EXPORT_TYPES.incremental);

    // Assess
    expect(result.exports[0]).toMatchObject({ outcome: 'failed', status: 'FAILED' });
    const [record] = await deps.repository.recentExports(`gone-${id}`, 5);
    expect(record).toMatchObject({ status: 'FAILED', failureCode: 'ResourceNotFoundException', type: 'INCREMENTAL_EXPORT' });
    expect((await mailTo(opsEmail)).filter((m) => m.subject.includes('Backup export FAILED'))).toHaveLength(1);
  });

  it('when the newest completed full export passes 26 hours, and not a millisecond before, the staleness alert fires once', async () => {
    // Prepare: one table with a completed full export at T, one table with none
    const id = randomUUID().slice(0, 8);
    const opsEmail = `ops-${id}@helpshelf.test`;
    const fresh = { logical: `fresh-${id}`, name: `helpshelf-local-fresh-${id}`, critical: false };
    const deps = backupsDepsFromEnv({ opsEmail, tables: [fresh] });
    const t = uniqueDay(2100);
    const windowFrom = new Date(Math.floor(t / (24 * HOUR)) * 24 * HOUR).toISOString();
    await deps.repository.claimExport({
      table: fresh.logical, tableName: fresh.name, type: EXPORT_TYPES.full, window: windowFrom.slice(0, 10), windowFrom, windowTo: windowFrom,
      status: 'COMPLETED', clientToken: 'x', bucket, prefix: 'exports/x', startedAt: new Date(t).toISOString(), updatedAt: new Date(t).toISOString(),
      exportTime: new Date(t).toISOString(), itemCount: 1,
    });

    // Act + Assess: exactly 26 hours old is still fresh
    setClock(t + 26 * HOUR);
    expect((await checkFreshness(deps)).stale).toEqual([]);
    expect(await mailTo(opsEmail)).toHaveLength(0);

    // one millisecond later it is stale, alerted once however often the tracker checks
    setClock(t + 26 * HOUR + 1);
    expect((await checkFreshness(deps)).stale).toEqual([{ table: fresh.logical, newestExportTime: new Date(t).toISOString(), ageHours: 26 }]);
    await checkFreshness(deps);
    const alerts = await mailTo(opsEmail);
    expect(alerts).toHaveLength(1);
    expect(alerts[0].subject).toContain(`Backups stale: ${fresh.logical}`);

    // a table with no completed full export at all is stale too
    const none = { logical: `none-${id}`, name: `helpshelf-local-none-${id}`, critical: false };
    expect((await checkFreshness(deps, [none])).stale).toEqual([{ table: none.logical, newestExportTime: null, ageHours: null }]);
  });

  it('refuses a restore with a bad target, both sources, an unknown table or export, and changes nothing', async () => {
    const id = randomUUID().slice(0, 8);
    const deps = backupsDepsFromEnv();
    const reason = 'ticket 4411';
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ table: 'accounts', to: `helpshelf-local-accounts`, reason }, 400, 'invalid_target'],
      [{ table: 'accounts', to: `helpshelf-local-restored-${id}`, export: 'e', 'to-time': '2026-01-01T00:00:00Z', reason }, 400, 'invalid_argument'],
      [{ table: 'nope', to: `helpshelf-local-restored-${id}`, reason }, 400, 'unknown_table'],
      [{ table: 'accounts', to: `helpshelf-local-restored-${id}`, export: 'no-such-export', reason }, 404, 'unknown_export'],
      [{ table: 'accounts', to: `helpshelf-local-restored-${id}`, 'to-time': 'yesterday', reason }, 400, 'invalid_time'],
      [{ table: 'accounts', to: `helpshelf-local-restored-${id}`, 'to-time': '2999-01-01T00:00:00Z', reason }, 400, 'invalid_time'],
      [{ table: 'accounts', reason }, 400, 'missing_argument'],
    ];
    for (const [args, status, code] of cases) {
      const outcome = await invokeOps('opsBackups', 'restore', args);
      expect({ args, outcome }).toMatchObject({ args, outcome: { ok: false, error: { status, code } } });
    }
    expect(await deps.control.tableStatus(`helpshelf-local-restored-${id}`)).toBeUndefined();
  });

  it('refuses a listing with a bad limit or an unknown table, and a run of an unknown type', async () => {
    for (const [action, args, code] of [
      ['list', { limit: 'abc' }, 'invalid_argument'],
      ['list', { limit: 0 }, 'invalid_argument'],
      ['list', { table: 'nope' }, 'unknown_table'],
      ['run', { type: 'weekly' }, 'invalid_argument'],
      ['restore-drill-status', {}, 'missing_argument'],
    ] as const) {
      expect(await invokeOps('opsBackups', action, args)).toMatchObject({ ok: false, error: { status: 400, code } });
    }
    expect(await invokeOps('opsBackups', 'restore-drill-status', { id: 'drl_nope' })).toMatchObject({ ok: false, error: { status: 404, code: 'unknown_drill' } });
  });

  it('refuses a restore of the accounts table without a ticket or incident reference: no table, no audit entry', async () => {
    // The attack: `backups restore --table accounts --to …` with no reason copied every password hash.
    const id = randomUUID().slice(0, 8);
    const target = `helpshelf-local-restored-noreason-${id}`;
    const deps = backupsDepsFromEnv();
    for (const [reason, code] of [
      [undefined, 'reason_required'],
      ['   ', 'reason_required'],
      ['aaaaaaaaaaaaaaa', 'reason_too_vague'],
      ['customer cannot log in since Monday', 'reason_too_vague'],
      ['ticket 4411\u0000', 'invalid_reason'],
    ] as const) {
      const outcome = await invokeOps('opsBackups', 'restore', { table: 'accounts', to: target, reason });
      expect({ reason, outcome }).toMatchObject({ reason, outcome: { ok: false, error: { status: 400, code } } });
    }
    expect(await deps.control.tableStatus(target)).toBeUndefined();
    const audited: unknown[] = [];
    for await (const entry of auditStore().all()) if (entry.details?.targetTable === target) audited.push(entry);
    expect(audited).toEqual([]);
  });

  it('writes the audit entry of a restore before the restore starts: an attempt that fails is audited too', async () => {
    const n = 100_000 + Math.floor(Math.random() * 900_000);
    const outcome = await invokeOps('opsBackups', 'restore', { table: 'accounts', to: 'helpshelf-local-accounts', reason: `ticket ${n}` });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'invalid_target' } });
    const audited: Array<{ action: string; subject: string }> = [];
    for await (const entry of auditStore().all()) if (entry.reason === `ticket ${n}`) audited.push(entry);
    expect(audited).toEqual([expect.objectContaining({ action: 'backups.restore', subject: 'accounts', actor: 'local:test-engineer' })]);
  });

  it('restores a table to a point in time into a new table, audited', async () => {
    // Prepare
    const id = randomUUID().slice(0, 8);
    const target = `helpshelf-local-restored-pitr-${id}`;
    const deps = backupsDepsFromEnv();

    // Act
    const reason = `INC-${100_000 + Math.floor(Math.random() * 900_000)} restore test ${id}`;
    const restore = await opsResult<{ method: string; targetTable: string; restoreId: string }>('opsBackups', 'restore', { table: 'billing', to: target, reason });
    const status = await opsResult<{ done: boolean; tableStatus: string }>('opsBackups', 'restore-status', { to: target });

    // Assess
    expect(restore).toMatchObject({ method: 'POINT_IN_TIME', targetTable: target });
    expect(status).toMatchObject({ done: true, tableStatus: 'ACTIVE' });
    const again = await invokeOps('opsBackups', 'restore', { table: 'billing', to: target, reason });
    expect(again).toMatchObject({ ok: false, error: { status: 409, code: 'target_exists' } });
    const audited: string[] = [];
    for await (const entry of auditStore().all()) if (entry.reason === reason) audited.push(entry.action);
    expect(audited).toEqual(['backups.restore', 'backups.restore']);
    await deps.control.deleteTable(target);
  });
});

// ListExports is what the emulator reports; kept referenced so a future moto that honours
// ClientToken can be checked the same way.
void ListExportsCommand;
