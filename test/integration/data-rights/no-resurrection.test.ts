import { randomUUID } from 'node:crypto';
import { backupsDepsFromEnv } from '../../../lib/backups/config';
import { advanceDrill, startDrill } from '../../../lib/backups/drill';
import { runExports, trackExports } from '../../../lib/backups/exports';
import { restoreStatus, startRestore } from '../../../lib/backups/restore';
import { EXPORT_TYPES, type DynamoItem } from '../../../lib/backups/types';
import { setClock } from '../../../lib/platform/time';
import { deleteMe, fullCustomer } from '../../cases/data-rights.cases';
import type { IdentityContext } from '../../cases/identity.cases';
import { viaHandler } from '../../support/http';

jest.setTimeout(180_000);

const ctx: IdentityContext = { send: viaHandler, emulator: process.env.HELPSHELF_TEST_EMULATOR! };
const HOUR = 3_600_000;

/** A UTC day later than any other test's export window, so this export is the newest (the drill takes it). */
function laterThanEveryOtherDay(): number {
  return Date.UTC(3100 + Math.floor(Math.random() * 50), 0, 1) + Math.floor(Math.random() * 360) * 24 * HOUR + 10 * HOUR;
}

const names = (item: DynamoItem, who: { userId: string; email: string }) => {
  const text = JSON.stringify(item).toLowerCase();
  return text.includes(who.userId.toLowerCase()) || text.includes(who.email.toLowerCase());
};

afterEach(() => setClock(undefined));

describe('no restore brings back a deleted account (the deletion ledger, against the emulator)', () => {
  it('when an export taken before a deletion is restored after it, and when the drill restores it, the account is purged before anyone gets the table', async () => {
    // Prepare: a customer with data in every table, exported, then deleted by its owner
    const customer = await fullCustomer(ctx);
    const deps = backupsDepsFromEnv();
    setClock(laterThanEveryOtherDay());
    await runExports(deps, EXPORT_TYPES.full);
    for (let i = 0; i < 50 && (await trackExports(deps)).inProgress > 0; i += 1) await new Promise((r) => setTimeout(r, 100));
    setClock(undefined);
    const exportIds: Record<string, string> = {};
    for (const table of deps.tables) {
      const [latest] = await deps.repository.recentExports(table.logical, 1);
      expect(latest).toMatchObject({ status: 'COMPLETED' });
      exportIds[table.logical] = latest.exportId!;
      let held = 0;
      for await (const item of deps.store.items(latest.bucket, latest.dataPrefix!)) if (names(item, customer)) held += 1;
      if (['accounts', 'tokens', 'billing', 'connections', 'incidents'].includes(table.logical)) expect({ table: table.logical, held: held > 0 }).toEqual({ table: table.logical, held: true });
    }
    expect((await deleteMe(ctx.send, customer.token, customer.password)).status).toBe(202);

    // Act: restore each table holding the customer from the export taken before the deletion
    const id = randomUUID().slice(0, 8);
    for (const logical of ['accounts', 'tokens', 'billing', 'connections', 'incidents']) {
      const target = `helpshelf-local-restored-${id}-${logical}`;
      const started = await startRestore(deps, { table: logical, targetTable: target, exportId: exportIds[logical], actor: 'local:test', reason: 'INC-4242 restore test' });
      let status = await restoreStatus(deps, target, started.importArn);
      for (let i = 0; i < 50 && !status.done; i += 1) {
        await new Promise((r) => setTimeout(r, 100));
        status = await restoreStatus(deps, target, started.importArn);
      }

      // Assess: the restore reports the purge, and the handed-over table holds nothing of the customer
      expect({ logical, done: status.done, purged: (status.purgedAccounts ?? 0) >= 1 }).toEqual({ logical, done: true, purged: true });
      const left: DynamoItem[] = [];
      for await (const item of deps.control.scanItems(target)) if (names(item, customer)) left.push(item);
      expect({ logical, left }).toEqual({ logical, left: [] });
      // Asked again, the restore answers the purge it recorded, without purging twice.
      expect((await restoreStatus(deps, target, started.importArn)).purgedAccounts).toBe(status.purgedAccounts);
      await deps.control.deleteTable(target);
    }

    // Act: the restore drill of the same exports
    let drill = await startDrill(deps, 'local:test');
    for (let i = 0; i < 100 && drill.status === 'RUNNING'; i += 1) {
      await new Promise((r) => setTimeout(r, 100));
      drill = (await advanceDrill(deps, drill.drillId, 10))!;
    }

    // Assess: every table restores equal to its export as purged; the customer's tables report the purge
    expect({ status: drill.status, unequal: drill.tables.filter((t) => t.status !== 'EQUAL').map((t) => `${t.table}: ${t.message}`) }).toEqual({ status: 'PASSED', unequal: [] });
    for (const t of drill.tables.filter((r) => ['accounts', 'tokens', 'billing', 'connections', 'incidents'].includes(r.table))) {
      expect({ table: t.table, purged: (t.purgedAccounts ?? 0) >= 1, exportId: t.exportId }).toEqual({ table: t.table, purged: true, exportId: exportIds[t.table] });
    }
  });
});
