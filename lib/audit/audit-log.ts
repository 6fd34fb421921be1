import { createHash } from 'node:crypto';
import { retry, TryAgainError } from '../platform/retry';

/**
 * The access audit log: an append-only chain, keyed and anchored.
 *
 * - **Keyed.** Each entry carries a MAC over its canonical content, the previous entry's MAC
 *   included (`hash`), made by a KMS HMAC key that only the audit writers may use to generate
 *   (`ChainMac`). Whoever can write the table but not generate a MAC cannot forge an entry, nor
 *   rewrite one and recompute the chain after it (plain SHA-256 could be recomputed by anyone).
 * - **Anchored.** After each insert, the writer records `(seq, hash)` outside the table
 *   (`AuditAnchors`: an S3 bucket with Object Lock the table's writers cannot delete from). The
 *   anchor moves with every append, so removing entries from the end of the table, even the newest
 *   right after it was written, leaves an anchor past the table's end: `truncated`.
 *
 * Entries written before the chain was keyed (plain SHA-256, no `alg`) are accepted as a prefix
 * only: once a keyed entry has been seen, an unkeyed one is a forgery (`downgraded`). The first
 * keyed entry's MAC covers the hash of the last plain one, so the plain prefix cannot be rewritten
 * either.
 *
 * Everything here is pure over three ports (store, MAC, anchors): the adapters are
 * dynamo-audit-store.ts, kms-chain-mac.ts and s3-audit-anchors.ts.
 */
export interface AuditEvent {
  /** The IAM principal ARN on a deployed stage, `local:<name>` locally, `system:<function>` for jobs. */
  actor: string;
  action: string;
  /** What was accessed or changed: a customer id, an incident id, a table. */
  subject: string;
  reason?: string;
  details?: Record<string, string | number | boolean | null>;
}

/** The MAC scheme of keyed entries: KMS HMAC-SHA-256 over the SHA-256 of the canonical content. */
export const MAC_ALG = 'kms-hmac-sha256';

export interface AuditEntry extends AuditEvent {
  seq: number;
  at: string;
  prevHash: string;
  /** Keyed entries: the hex MAC (MAC_ALG). Entries from before keying: the plain SHA-256. */
  hash: string;
  /** MAC_ALG on keyed entries; absent on entries written before the chain was keyed. */
  alg?: typeof MAC_ALG;
}

/**
 * A write of the audited action that must commit with its entry, or neither commits (in the
 * store adapter's own terms: a DynamoDB TransactWriteItem for dynamo-audit-store.ts). It saves
 * the action its own round trip, and the entry can no longer exist without the action or the
 * action without its entry.
 */
export type AlongsideWrite = unknown;

/** The alongside write's own condition failed: neither it nor the entry was written. */
export class AlongsideWriteRefusedError extends Error {
  constructor(options?: { cause?: unknown }) {
    super('the write audited with this entry was refused; nothing was written', options);
    this.name = 'AlongsideWriteRefusedError';
  }
}

export interface AuditStore {
  /** The entry with the highest sequence number, read strongly consistently. */
  latest(): Promise<AuditEntry | undefined>;
  /**
   * Inserts the entry unless its sequence number is taken; false when another writer won. With
   * `alongside`, both in one transaction: AlongsideWriteRefusedError when that write's condition
   * failed (nothing written).
   */
  insert(entry: AuditEntry, alongside?: AlongsideWrite): Promise<boolean>;
  /** Every entry, in sequence order. */
  all(): AsyncIterable<AuditEntry>;
}

/** The chain's key: only audit writers may generate; readers only verify. */
export interface ChainMac {
  /** The hex MAC of `digest` (a hex SHA-256). */
  generate(digest: string): Promise<string>;
  /** True when `mac` is the MAC of `digest` under the chain's key. */
  verify(digest: string, mac: string): Promise<boolean>;
}

export interface AnchorRecord {
  seq: number;
  hash: string;
}

/** Where each append records the chain's head, out of reach of the table's writers. */
export interface AuditAnchors {
  record(head: AnchorRecord): Promise<void>;
  /** Anchors with a sequence number of at least `seq` (deleted ones included), lowest first, at most `limit`. */
  from(seq: number, limit: number): Promise<AnchorRecord[]>;
}

export interface AuditChain {
  store: AuditStore;
  mac: ChainMac;
  anchors: AuditAnchors;
}

export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every depth and undefined members left out: one byte string per content. */
export function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const record = value as Record<string, unknown>;
  // The default sort orders by UTF-16 code units: the same order in every runtime and locale.
  const keys = Object.keys(record).filter((k) => record[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(record[k])}`).join(',')}}`;
}

/** The SHA-256 (hex) of an entry's canonical content: every field but `hash`. */
export function contentDigest(entry: Omit<AuditEntry, 'hash'>): string {
  const { seq, at, actor, action, subject, reason, details, prevHash, alg } = entry;
  return createHash('sha256').update(canonical({ seq, at, actor, action, subject, reason, details, prevHash, alg })).digest('hex');
}

/** The plain SHA-256 of an entry written before the chain was keyed (no `alg`). */
export function hashEntry(entry: Omit<AuditEntry, 'hash'>): string {
  return contentDigest({ ...entry, alg: undefined });
}

export class AuditWriteError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AuditWriteError';
  }
}

/**
 * Appends one entry: MAC it, insert it (a conditional put on the next sequence number, retried
 * when a concurrent writer took it first), then anchor it. An entry that could not be anchored
 * fails the append, so the action it audits does not run. With `alongside`, the action's own
 * write is inserted in the same transaction as the entry (see AlongsideWrite); its refusal is
 * thrown (AlongsideWriteRefusedError), not retried.
 */
export async function appendAuditEntry(chain: AuditChain, event: AuditEvent, now: () => string, maxAttempts = 20, alongside?: AlongsideWrite): Promise<AuditEntry> {
  const entry = await retry(
    async () => {
      const latest = await chain.store.latest();
      const base = { ...event, seq: (latest?.seq ?? 0) + 1, at: now(), prevHash: latest?.hash ?? GENESIS_HASH, alg: MAC_ALG } as const;
      const candidate: AuditEntry = { ...base, hash: await chain.mac.generate(contentDigest(base)) };
      if (await chain.store.insert(candidate, alongside)) return candidate;
      throw new TryAgainError();
    },
    { attempts: maxAttempts, baseDelayMs: 10, maxDelayMs: 200, exhausted: () => new AuditWriteError('Could not append to the audit log: too much contention.') },
  );
  try {
    await chain.anchors.record({ seq: entry.seq, hash: entry.hash });
  } catch (error) {
    throw new AuditWriteError(`Audit entry ${entry.seq} was written but could not be anchored.`, { cause: error });
  }
  return entry;
}

export type ChainProblem = 'altered' | 'missing' | 'relinked' | 'downgraded' | 'truncated' | 'unanchored';

export interface ChainBreak {
  seq: number;
  problem: ChainProblem;
  detail: string;
}

export interface ChainReport {
  entries: AuditEntry[];
  intact: boolean;
  firstBreak?: ChainBreak;
}

/**
 * Walks the whole chain and reports the first entry that was altered (its MAC does not verify),
 * removed, re-linked or written unkeyed after keying; then checks the head against the anchors:
 * an anchor past the last entry means entries were removed from the end (`truncated`), and a
 * keyed last entry without its anchor was not written by an audit writer (`unanchored`).
 */
export async function verifyChain(chain: AuditChain): Promise<ChainReport> {
  const entries: AuditEntry[] = [];
  let firstBreak: ChainBreak | undefined;
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let keyed = false;
  for await (const entry of chain.store.all()) {
    entries.push(entry);
    if (firstBreak) continue;
    if (entry.seq !== expectedSeq) {
      firstBreak = { seq: expectedSeq, problem: 'missing', detail: `entry ${expectedSeq} is missing (next present is ${entry.seq})` };
    } else if (entry.prevHash !== prevHash) {
      firstBreak = { seq: entry.seq, problem: 'relinked', detail: `entry ${entry.seq} does not point at the hash of entry ${entry.seq - 1}` };
    } else if (entry.alg === MAC_ALG) {
      keyed = true;
      if (!(await chain.mac.verify(contentDigest(entry), entry.hash))) {
        firstBreak = { seq: entry.seq, problem: 'altered', detail: `entry ${entry.seq} does not carry a valid MAC: changed after it was written, or not written by an audit writer` };
      }
    } else if (keyed || entry.alg !== undefined) {
      firstBreak = { seq: entry.seq, problem: 'downgraded', detail: `entry ${entry.seq} is not keyed, after keyed entries` };
    } else if (hashEntry(entry) !== entry.hash) {
      firstBreak = { seq: entry.seq, problem: 'altered', detail: `entry ${entry.seq} was changed after it was written` };
    }
    expectedSeq = entry.seq + 1;
    prevHash = entry.hash;
  }
  if (!firstBreak) firstBreak = await checkHead(chain.anchors, entries.at(-1));
  return { entries, intact: !firstBreak, firstBreak };
}

async function checkHead(anchors: AuditAnchors, last: AuditEntry | undefined): Promise<ChainBreak | undefined> {
  const lastSeq = last?.seq ?? 0;
  const near = await anchors.from(Math.max(lastSeq, 1), 50);
  const beyond = near.filter((a) => a.seq > lastSeq);
  if (beyond.length > 0) {
    return { seq: lastSeq + 1, problem: 'truncated', detail: `entry ${beyond[0].seq} was anchored but is not in the table: entries were removed from the end` };
  }
  if (last?.alg === MAC_ALG && !near.some((a) => a.seq === last.seq && a.hash === last.hash)) {
    return { seq: last.seq, problem: 'unanchored', detail: `entry ${last.seq} has no anchor: not written by an audit writer (or its writer is still anchoring it)` };
  }
  return undefined;
}
