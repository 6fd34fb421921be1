/**
 * The deletion ledger: what keeps a restore from bringing back an account its owner deleted.
 *
 * One entry per deleted account, holding no personal data: the user id (an opaque random id) and a
 * keyed digest of the address (HMAC under a KMS key whose material never leaves KMS, so the ledger
 * cannot be turned back into addresses by guessing). Entries live in the LIVE audit table (no TTL,
 * Retain, deletion protection), which is never replaced by a restore: every restored table is
 * purged against it before it is handed over (lib/backups/restore.ts, drill.ts).
 *
 * Everything here is pure; the adapters are dynamo-ledger.ts and kms-email-digest.ts.
 */
import type { AttributeValue, DynamoItem } from '../backups/types';

export interface LedgerEntry {
  userId: string;
  /** HMAC-SHA-256 (hex) of the normalised address, under the stage's ledger key. */
  emailDigest: string;
  deletedAt: string;
}

export const LEDGER_PARTITION = 'DELETED';
export const ledgerKey = (userId: string) => ({ pk: LEDGER_PARTITION, sk: `USER#${userId}` });

/** The ledger item as the audit table stores it: written once, never updated. */
export function ledgerItem(entry: LedgerEntry): Record<string, string> {
  return { ...ledgerKey(entry.userId), userId: entry.userId, emailDigest: entry.emailDigest, deletedAt: entry.deletedAt };
}

/** What a purge looks up: the deleted user ids, and the deleted account behind an address digest. */
export interface LedgerView {
  userIds: ReadonlySet<string>;
  userIdByDigest: ReadonlyMap<string, string>;
}

export function ledgerView(entries: Iterable<Pick<LedgerEntry, 'userId' | 'emailDigest'>>): LedgerView {
  const userIds = new Set<string>();
  const userIdByDigest = new Map<string, string>();
  for (const e of entries) {
    userIds.add(e.userId);
    userIdByDigest.set(e.emailDigest, e.userId);
  }
  return { userIds, userIdByDigest };
}

/**
 * How a table's items of a deleted account are treated in a restored copy, as in a live deletion:
 * `erase` removes them, `scrub` keeps the item but blanks every value naming the person (incidents
 * stay as a security record, without their email or account link), `keep` leaves the table alone
 * (the audit log names user ids only, and holds the ledger itself; the access table mirrors it).
 */
export type TablePolicy = 'erase' | 'scrub' | 'keep';

// The access table (grants, the customers' access logs) is kept like the audit log it mirrors:
// the record of engineer access, naming user ids only (lib/access/data-rights.ts).
const POLICIES: Record<string, TablePolicy> = { incidents: 'scrub', audit: 'keep', access: 'keep', backups: 'keep' };

/** The policy of a backed-up table by its logical name; every other table holding user data is erased. */
export function tablePolicy(logical: string): TablePolicy {
  return POLICIES[logical] ?? 'erase';
}

// A value that may be an address: checked cheaply before its digest is asked for.
const EMAIL_LIKE = /^[^\s@#]{1,64}@[^\s@#]{1,190}\.[a-z0-9-]{2,63}$/i;

/** The strings an item may name a person by: key parts split on `#`, and every string value, nested ones included. */
export function* personalStrings(item: DynamoItem): Generator<string> {
  for (const value of Object.values(item)) yield* stringsOf(value);
}

function* stringsOf(value: AttributeValue): Generator<string> {
  const [type, inner] = Object.entries(value)[0] ?? [];
  if (type === 'S' && typeof inner === 'string') {
    yield inner;
    // Keys such as `USER#<id>`, `EMAIL#<address>`, `REPORTER#<address>#<id>` carry the person inside.
    if (inner.includes('#')) yield* inner.split('#');
  } else if (type === 'SS') {
    for (const s of inner as string[]) yield s;
  } else if (type === 'L') {
    for (const v of inner as AttributeValue[]) yield* stringsOf(v);
  } else if (type === 'M') {
    for (const v of Object.values(inner as DynamoItem)) yield* stringsOf(v);
  }
}

/** The addresses an item mentions (lower-cased), for which a digest must be known before deciding. */
export function emailsIn(item: DynamoItem): string[] {
  const found = new Set<string>();
  for (const s of personalStrings(item)) if (EMAIL_LIKE.test(s)) found.add(s.trim().toLowerCase());
  return [...found];
}

/**
 * The deleted account a string names (its user id, or an address whose digest is in the ledger),
 * or undefined. `digestOf` answers from digests computed beforehand (see emailsIn).
 */
export type DeletedTest = (value: string) => string | undefined;

export function deletedTest(ledger: LedgerView, digestOf: (email: string) => string | undefined): DeletedTest {
  return (value) => {
    if (ledger.userIds.has(value)) return value;
    const email = value.trim().toLowerCase();
    if (!EMAIL_LIKE.test(email)) return undefined;
    const digest = digestOf(email);
    return digest === undefined ? undefined : ledger.userIdByDigest.get(digest);
  };
}

/** `accounts`: the deleted accounts the item named (a purge reports how many accounts it found). */
export type Verdict = { action: 'keep' } | { action: 'delete'; accounts: string[] } | { action: 'scrub'; item: DynamoItem; accounts: string[] };

/**
 * What to do with one item of a restored table. An item names a deleted account when any of its
 * strings (keys included) is a deleted user id or a deleted address.
 */
export function restoredItemVerdict(policy: TablePolicy, item: DynamoItem, isDeleted: DeletedTest): Verdict {
  if (policy === 'keep') return { action: 'keep' };
  const accounts = new Set<string>();
  for (const s of personalStrings(item)) {
    const account = isDeleted(s);
    if (account !== undefined) accounts.add(account);
  }
  if (accounts.size === 0) return { action: 'keep' };
  if (policy === 'erase') return { action: 'delete', accounts: [...accounts] };
  return { action: 'scrub', item: scrubItem(item, isDeleted), accounts: [...accounts] };
}

/** Key attributes are never rewritten (the item would become another item). */
const KEY_ATTRIBUTES = new Set(['pk', 'sk']);

/**
 * The item without the person: an address of a deleted account becomes '' (the incidents' "no
 * sender"), its user id null, and an index key
 * naming one is removed (the item leaves that index), so the scrubbed item can no longer be found
 * by the address or the account.
 */
export function scrubItem(item: DynamoItem, isDeleted: DeletedTest): DynamoItem {
  const out: DynamoItem = {};
  for (const [name, value] of Object.entries(item)) {
    if (KEY_ATTRIBUTES.has(name)) {
      out[name] = value;
      continue;
    }
    const isIndexKey = /^gsi\d+(pk|sk)$/.test(name);
    if (isIndexKey && [...stringsOf(value)].some((v) => namesDeleted(v, isDeleted))) continue;
    out[name] = scrubValue(value, isDeleted);
  }
  return out;
}

function scrubValue(value: AttributeValue, isDeleted: DeletedTest): AttributeValue {
  const [type, inner] = Object.entries(value)[0] ?? [];
  if (type === 'S') return !namesDeleted(inner as string, isDeleted) ? value : EMAIL_LIKE.test(inner as string) ? { S: '' } : { NULL: true };
  if (type === 'SS') {
    const kept = (inner as string[]).filter((s) => !namesDeleted(s, isDeleted));
    return kept.length > 0 ? { SS: kept } : { NULL: true };
  }
  if (type === 'L') return { L: (inner as AttributeValue[]).map((v) => scrubValue(v, isDeleted)) };
  if (type === 'M') {
    return { M: Object.fromEntries(Object.entries(inner as DynamoItem).map(([k, v]) => [k, scrubValue(v, isDeleted)])) };
  }
  return value;
}

/** A string names a deleted account itself, or in one of its `#`-separated parts. */
function namesDeleted(value: string, isDeleted: DeletedTest): boolean {
  return isDeleted(value) !== undefined || (value.includes('#') && value.split('#').some((part) => isDeleted(part) !== undefined));
}

/**
 * scrubItem for an item in document form (plain values, as the document client reads them): the
 * live deletion de-identifies incidents with it, exactly as a restore does with scrubItem.
 */
export function scrubDocument(item: Record<string, unknown>, isDeleted: DeletedTest): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(item)) {
    if (KEY_ATTRIBUTES.has(name)) {
      out[name] = value;
      continue;
    }
    if (/^gsi\d+(pk|sk)$/.test(name) && typeof value === 'string' && namesDeleted(value, isDeleted)) continue;
    out[name] = scrubPlain(value, isDeleted);
  }
  return out;
}

function scrubPlain(value: unknown, isDeleted: DeletedTest): unknown {
  if (typeof value === 'string') return !namesDeleted(value, isDeleted) ? value : EMAIL_LIKE.test(value.trim()) ? '' : null;
  if (Array.isArray(value)) return value.map((v) => scrubPlain(v, isDeleted));
  if (value instanceof Set) {
    const kept = [...value].filter((v) => typeof v !== 'string' || !namesDeleted(v, isDeleted));
    return kept.length > 0 ? new Set(kept) : null;
  }
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, scrubPlain(v, isDeleted)]));
  }
  return value;
}
