import { randomUUID } from 'node:crypto';
import { BatchWriteItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { opsCli } from '../support/ops';

jest.setTimeout(180_000);

const fast = { HELPSHELF_BACKUPS_POLL_MS: '300' };

describe('backups through the ops CLI against the local stage', () => {
  it('runs the export of every table, lists the completed exports with item counts, and the restore drill restores every table equal', async () => {
    // Prepare: a few items in every table of the e2e stage's emulator, so no export is empty
    const dynamo = new DynamoDBClient({ region: 'eu-west-1', endpoint: process.env.E2E_EMULATOR_ENDPOINT, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const tag = randomUUID();
    for (const table of ['accounts', 'tokens', 'billing', 'rate-limits', 'incidents', 'audit', 'backups', 'connections', 'access']) {
      const items = Array.from({ length: 5 }, (_, i) => ({ PutRequest: { Item: { pk: { S: `E2E#${tag}#${i}` }, sk: { S: 'X' }, n: { N: '1E+125' }, tags: { SS: ['a', 'b'] }, bin: { B: Buffer.from([i]) } } } }));
      await dynamo.send(new BatchWriteItemCommand({ RequestItems: { [`helpshelf-local-${table}`]: items } }));
    }

    // Act: run (follows the exports to completion)
    const run = await opsCli(['backups', 'run', '--json'], fast);

    // Assess
    expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ code: 0, stderr: '' });
    const ran = run.json.exports as Array<{ table: string; status: string; itemCount: number | null }>;
    expect(ran.map((e) => e.table).sort()).toEqual(['access', 'accounts', 'audit', 'backups', 'billing', 'connections', 'incidents', 'rate-limits', 'tokens']);
    for (const e of ran) expect(e).toMatchObject({ status: 'COMPLETED', itemCount: expect.any(Number) });

    // Act + Assess: list, newest first
    const list = await opsCli(['backups', 'list', '--json'], fast);
    expect(list.code).toBe(0);
    const completed = (list.json.exports as Array<{ table: string; status: string; itemCount: number; time: string }>).filter((e) => e.status === 'COMPLETED');
    expect(new Set(completed.map((e) => e.table)).size).toBe(9);
    const times = (list.json.exports as Array<{ time: string }>).map((e) => e.time);
    expect([...times].sort().reverse()).toEqual(times);

    // the human form shows the same columns
    const human = await opsCli(['backups', 'list'], fast);
    expect(human.stdout).toMatch(/time\s+table\s+type\s+status\s+itemCount/);

    // Act + Assess: the drill
    const drill = await opsCli(['backups', 'restore-drill', '--json'], fast);
    expect(drill.code).toBe(0);
    expect({ status: drill.json.status, failing: drill.json.tables.filter((t: { status: string }) => t.status !== 'EQUAL') }).toEqual({ status: 'PASSED', failing: [] });
    expect(drill.json.tables).toHaveLength(9);
    for (const t of drill.json.tables) {
      expect(t).toMatchObject({ status: 'EQUAL', checksumsEqual: true, scratchDeleted: true });
      // Every item of the export came back, but those of accounts deleted earlier on this stage (the
      // data-rights tests delete some), which the drill purges before comparing.
      const purged = t.exportItemCount - t.restoredItemCount;
      expect({ table: t.table, purged: purged >= 0 && purged <= (t.purgedItems ?? 0), none: (t.purgedItems ?? 0) > 0 || purged === 0 }).toEqual({ table: t.table, purged: true, none: true });
    }
    for (const t of drill.json.tables) expect(t.exportItemCount).toBeGreaterThanOrEqual(5);
    expect(drill.stderr).toContain(`drill ${drill.json.drillId}`);
  });

  it('when the same window is run again, it reports the existing exports and starts none', async () => {
    const again = await opsCli(['backups', 'run', '--json', '--no-wait'], fast);
    expect(again.code).toBe(0);
    for (const e of again.json.exports) expect(e.outcome).toBe('existing');
  });

  it('refuses a restore into a live table name with one clear line and a non-zero status', async () => {
    const res = await opsCli(['backups', 'restore', '--table', 'accounts', '--to', 'helpshelf-local-accounts', '--reason', 'ticket 4411'], fast);
    expect(res.code).toBe(1);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toContain('--to must be a new table named helpshelf-local-restored-');
  });
});
