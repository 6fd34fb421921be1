import { createHash } from 'node:crypto';
import { retry, TryAgainError } from '../platform/retry';

/**
 * The access audit log: an append-only hash chain. Each entry stores the hash of the one before
 * it, so altering or removing an entry breaks every link after it, and `verifyChain` names the
 * first break. Entries are only ever inserted (a conditional put on a new sequence number); no
 * function role may update or delete them.
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

export interface AuditEntry extends AuditEvent {
  seq: number;
  at: string;
  prevHash: string;
  hash: string;
}

export interface AuditStore {
  /** The entry with the highest sequence number, read strongly consistently. */
  latest(): Promise<AuditEntry | undefined>;
  /** Inserts the entry unless its sequence number is taken; false when another writer won. */
  insert(entry: AuditEntry): Promise<boolean>;
  /** Every entry, in sequence order. */
  all(): AsyncIterable<AuditEntry>;
}

export const GENESIS_HASH = '0'.repeat(64);

function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

export function hashEntry(entry: Omit<AuditEntry, 'hash'>): string {
  const { seq, at, actor, action, subject, reason, details, prevHash } = entry;
  return createHash('sha256').update(canonical({ seq, at, actor, action, subject, reason, details, prevHash })).digest('hex');
}

export class AuditWriteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuditWriteError';
  }
}

/** Appends one entry, retrying when a concurrent writer took the next sequence number first. */
export async function appendAuditEntry(store: AuditStore, event: AuditEvent, now: () => string, maxAttempts = 20): Promise<AuditEntry> {
  return retry(
    async () => {
      const latest = await store.latest();
      const base = { ...event, seq: (latest?.seq ?? 0) + 1, at: now(), prevHash: latest?.hash ?? GENESIS_HASH };
      const entry: AuditEntry = { ...base, hash: hashEntry(base) };
      if (await store.insert(entry)) return entry;
      throw new TryAgainError();
    },
    { attempts: maxAttempts, baseDelayMs: 10, maxDelayMs: 200, exhausted: () => new AuditWriteError('Could not append to the audit log: too much contention.') },
  );
}

export interface ChainBreak {
  seq: number;
  problem: 'altered' | 'missing' | 'relinked';
  detail: string;
}

export interface ChainReport {
  entries: AuditEntry[];
  intact: boolean;
  firstBreak?: ChainBreak;
}

/** Walks the whole chain and reports the first entry that was altered, removed or re-linked. */
export async function verifyChain(store: AuditStore): Promise<ChainReport> {
  const entries: AuditEntry[] = [];
  let firstBreak: ChainBreak | undefined;
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  for await (const entry of store.all()) {
    entries.push(entry);
    if (firstBreak) continue;
    if (entry.seq !== expectedSeq) {
      firstBreak = { seq: expectedSeq, problem: 'missing', detail: `entry ${expectedSeq} is missing (next present is ${entry.seq})` };
    } else if (entry.prevHash !== prevHash) {
      firstBreak = { seq: entry.seq, problem: 'relinked', detail: `entry ${entry.seq} does not point at the hash of entry ${entry.seq - 1}` };
    } else if (hashEntry(entry) !== entry.hash) {
      firstBreak = { seq: entry.seq, problem: 'altered', detail: `entry ${entry.seq} was changed after it was written` };
    }
    expectedSeq = entry.seq + 1;
    prevHash = entry.hash;
  }
  return { entries, intact: !firstBreak, firstBreak };
}
