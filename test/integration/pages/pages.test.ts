import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { pagesCases } from '../../cases/pages.cases';
import { viaHandler } from '../../support/http';
import { incidentTable } from '../../support/incidents';
import { mailTo } from '../../support/mail';
import { dynamoBackupsRepository, EVIDENCE_KEY } from '../../../lib/backups/dynamo-backups-repository';
import { emulatorDocumentClient } from '../../../scripts/lib/emulator-clients';

describe('the pages, in-process against the emulator', () => {
  const env = { send: viaHandler, mailTo: (a: string) => mailTo(a), table: incidentTable(process.env.HELPSHELF_TEST_EMULATOR!) };
  it.each(pagesCases.map((c) => [c.name, c] as const))('%s', async (_name, testCase) => {
    await testCase.run(env);
  });
});

describe('the Security page evidence summary', () => {
  const repo = dynamoBackupsRepository(process.env.BACKUPS_TABLE!);
  const stored = async () =>
    (await emulatorDocumentClient(process.env.HELPSHELF_TEST_EMULATOR!).send(new GetCommand({ TableName: process.env.BACKUPS_TABLE!, Key: EVIDENCE_KEY, ConsistentRead: true }))).Item;

  // Far-future times: the emulator is shared with the backups tests, whose own facts must not win here.
  it('when 30 trackers record backups concurrently in random order, the newest one is kept, and a late older fact changes nothing', async () => {
    // Prepare: 30 completion times, shuffled
    const base = Date.parse('9000-01-01T00:00:00Z');
    const times = Array.from({ length: 30 }, (_, i) => new Date(base + i * 60_000).toISOString()).sort(() => Math.random() - 0.5);
    const newest = new Date(base + 29 * 60_000).toISOString();
    // Act
    await Promise.all(times.map((at) => repo.recordEvidence({ kind: 'backup', at, exportTime: at, type: 'FULL_EXPORT', table: 'accounts' })));
    await repo.recordEvidence({ kind: 'backup', at: '8999-12-31T00:00:00.000Z', exportTime: '8999-12-31T00:00:00.000Z', type: 'INCREMENTAL_EXPORT', table: 'tokens' });
    // Assess
    expect((await repo.evidence()).lastBackup).toEqual({ at: newest, exportTime: newest, type: 'FULL_EXPORT', table: 'accounts' });
  });

  it('when the drill passes, the Security page shows both facts with their times, cacheable, from the summary item', async () => {
    // Prepare
    await repo.recordEvidence({ kind: 'drill', at: '9001-01-02T04:05:00.000Z', drillId: 'drill-1', tables: 7 });
    await repo.recordEvidence({ kind: 'backup', at: '9001-01-03T01:45:00.000Z', exportTime: '9001-01-03T00:00:00.000Z', type: 'FULL_EXPORT', table: 'audit' });
    // Act
    const res = await viaHandler({ method: 'GET', path: '/security' });
    // Assess
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=60');
    expect(res.text).toContain('Last completed backup: <time datetime="9001-01-03T01:45:00.000Z">9001-01-03 01:45 UTC</time>');
    expect(res.text).toContain('Last successful restore drill: <time datetime="9001-01-02T04:05:00.000Z">9001-01-02 04:05 UTC</time> (7 tables');
    expect(await stored()).toMatchObject({ lastRestoreDrill: { drillId: 'drill-1' } });
  });
});
