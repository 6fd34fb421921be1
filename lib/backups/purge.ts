import { deletedTest, emailsIn, restoredItemVerdict, tablePolicy, type DeletedTest, type LedgerView } from '../data-rights/ledger';
import type { BackupsDeps, DynamoItem, PurgeResult } from './types';

/**
 * No restore brings back an account its owner deleted: every restored table (a restore's target,
 * a drill's scratch table) is purged against the live deletion ledger before anyone is given it,
 * with the same rule a live deletion applies (lib/data-rights/ledger.ts): the items of a deleted
 * account are removed, incidents are kept without the person's address or account link.
 */

const PAGE = 100;

/** The ledger and the digests of the addresses a page of items mentions, ready for verdicts. */
async function pageTest(deps: BackupsDeps, ledger: LedgerView, items: DynamoItem[], known: Map<string, string>): Promise<DeletedTest> {
  const missing = [...new Set(items.flatMap(emailsIn))].filter((e) => !known.has(e));
  if (missing.length > 0) for (const [email, digest] of await deps.ledger.digests(missing)) known.set(email, digest);
  return deletedTest(ledger, (email) => known.get(email));
}

async function* pages<T>(source: AsyncIterable<T>, size: number): AsyncGenerator<T[]> {
  let page: T[] = [];
  for await (const item of source) {
    page.push(item);
    if (page.length === size) {
      yield page;
      page = [];
    }
  }
  if (page.length > 0) yield page;
}

const keyOf = (item: DynamoItem): DynamoItem => ({ pk: item.pk, sk: item.sk });

/** Applies the ledger to a restored table in place; returns what it removed. */
export async function purgeRestoredTable(deps: BackupsDeps, logical: string, tableName: string, ledger?: LedgerView): Promise<PurgeResult> {
  const view = ledger ?? (await deps.ledger.view());
  const result = { accounts: new Set<string>(), deletedItems: 0, scrubbedItems: 0 };
  const policy = tablePolicy(logical);
  if (policy !== 'keep' && view.userIds.size > 0) {
    const known = new Map<string, string>();
    for await (const page of pages(deps.control.scanItems(tableName), PAGE)) {
      const isDeleted = await pageTest(deps, view, page, known);
      const deleteKeys: DynamoItem[] = [];
      const puts: DynamoItem[] = [];
      for (const item of page) {
        const verdict = restoredItemVerdict(policy, item, isDeleted);
        if (verdict.action === 'keep') continue;
        verdict.accounts.forEach((a) => result.accounts.add(a));
        if (verdict.action === 'delete') deleteKeys.push(keyOf(item));
        else puts.push(verdict.item);
      }
      if (deleteKeys.length + puts.length > 0) await deps.control.writeItems(tableName, { deleteKeys, puts });
      result.deletedItems += deleteKeys.length;
      result.scrubbedItems += puts.length;
    }
  }
  return { at: new Date(deps.now()).toISOString(), accounts: result.accounts.size, deletedItems: result.deletedItems, scrubbedItems: result.scrubbedItems };
}

/** The items of an export as they must be after the purge: what a drill compares its purged scratch table with. */
export async function* purgedExportItems(deps: BackupsDeps, logical: string, items: AsyncIterable<DynamoItem>, ledger: LedgerView): AsyncGenerator<DynamoItem> {
  const policy = tablePolicy(logical);
  if (policy === 'keep' || ledger.userIds.size === 0) {
    yield* items;
    return;
  }
  const known = new Map<string, string>();
  for await (const page of pages(items, PAGE)) {
    const isDeleted = await pageTest(deps, ledger, page, known);
    for (const item of page) {
      const verdict = restoredItemVerdict(policy, item, isDeleted);
      if (verdict.action === 'keep') yield item;
      else if (verdict.action === 'scrub') yield verdict.item;
    }
  }
}
