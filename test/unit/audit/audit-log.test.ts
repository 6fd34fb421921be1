import { createHmac, randomBytes } from 'node:crypto';
import {
  AlongsideWriteRefusedError,
  appendAuditEntry,
  AuditWriteError,
  canonical,
  contentDigest,
  GENESIS_HASH,
  hashEntry,
  MAC_ALG,
  verifyChain,
  type AnchorRecord,
  type AuditAnchors,
  type AuditChain,
  type AuditEntry,
  type AuditStore,
  type ChainMac,
} from '../../../lib/audit/audit-log';

// In-memory ports: the chain logic is pure; the KMS and S3 adapters are tested against the emulator
// (test/integration/audit/dynamo-audit-store.test.ts).
function memoryStore(): AuditStore & { entries: AuditEntry[] } {
  const entries: AuditEntry[] = [];
  return {
    entries,
    async latest() {
      return entries.reduce<AuditEntry | undefined>((a, e) => (!a || e.seq > a.seq ? e : a), undefined);
    },
    async insert(entry) {
      if (entries.some((e) => e.seq === entry.seq)) return false;
      entries.push({ ...entry });
      return true;
    },
    async *all() {
      yield* [...entries].sort((a, b) => a.seq - b.seq);
    },
  };
}

/** An HMAC key held here stands for the KMS key: `generate` is what only the audit writers may call. */
function hmacKey(key = randomBytes(32)): ChainMac {
  const mac = (digest: string) => createHmac('sha256', key).update(digest).digest('hex');
  return { generate: async (digest) => mac(digest), verify: async (digest, m) => m === mac(digest) };
}

function memoryAnchors(): AuditAnchors & { records: AnchorRecord[] } {
  const records: AnchorRecord[] = [];
  return {
    records,
    async record(head) {
      records.push(head);
    },
    async from(seq, limit) {
      return records.filter((r) => r.seq >= seq).sort((a, b) => a.seq - b.seq).slice(0, limit);
    },
  };
}

function newChain() {
  const store = memoryStore();
  const anchors = memoryAnchors();
  const chain: AuditChain = { store, mac: hmacKey(), anchors };
  return { chain, store, anchors };
}

const clock = () => '2026-11-24T10:00:00.000Z';
const event = (n: number) => ({ actor: 'local:ada', action: 'customers.show', subject: `user-${n}`, reason: 'support ticket 4411' });

async function chainOf(n: number) {
  const c = newChain();
  for (let i = 1; i <= n; i += 1) await appendAuditEntry(c.chain, event(i), clock);
  return c;
}

describe('the canonical form', () => {
  it('sorts keys at every depth and leaves out undefined members', () => {
    expect(canonical({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined }, e: null })).toBe('{"a":{"d":[1,{"y":2,"z":1}]},"b":1,"e":null}');
  });

  it('gives the same digest whatever order the fields were written in', () => {
    const a = { seq: 1, at: 'x', actor: 'a', action: 'b', subject: 'c', prevHash: GENESIS_HASH, alg: MAC_ALG } as const;
    const b = { alg: MAC_ALG, prevHash: GENESIS_HASH, subject: 'c', action: 'b', actor: 'a', at: 'x', seq: 1 } as const;
    expect(contentDigest(a)).toBe(contentDigest(b));
    expect(contentDigest({ ...a, subject: 'd' })).not.toBe(contentDigest(a));
  });
});

describe('the keyed audit chain', () => {
  it('links each entry to the MAC of the one before, starting from the genesis hash, and anchors each append', async () => {
    const { chain, anchors } = newChain();
    const first = await appendAuditEntry(chain, event(1), clock);
    const second = await appendAuditEntry(chain, event(2), clock);
    expect(first).toMatchObject({ seq: 1, prevHash: GENESIS_HASH, alg: MAC_ALG });
    expect(second).toMatchObject({ seq: 2, prevHash: first.hash });
    expect(anchors.records).toEqual([{ seq: 1, hash: first.hash }, { seq: 2, hash: second.hash }]);
    expect(await verifyChain(chain)).toMatchObject({ intact: true, firstBreak: undefined });
  });

  it('an empty chain with no anchors is intact', async () => {
    expect(await verifyChain(newChain().chain)).toMatchObject({ intact: true, entries: [] });
  });

  it('when an entry is altered, it reports that entry as the first break', async () => {
    const { chain, store } = await chainOf(4);
    store.entries[1].reason = 'just curious';
    const report = await verifyChain(chain);
    expect(report.intact).toBe(false);
    expect(report.firstBreak).toMatchObject({ seq: 2, problem: 'altered' });
  });

  it('when an entry in the middle is removed, it reports the missing sequence number', async () => {
    const { chain, store } = await chainOf(4);
    store.entries.splice(2, 1);
    expect((await verifyChain(chain)).firstBreak).toMatchObject({ seq: 3, problem: 'missing' });
  });

  it('when an entry is rewritten and the whole chain after it recomputed with plain SHA-256, the forgery is detected', async () => {
    // The attack on the unkeyed chain: rewrite entry 2, then recompute every hash after it.
    const { chain, store } = await chainOf(3);
    let prev = store.entries[0].hash;
    for (const entry of store.entries.slice(1)) {
      if (entry.seq === 2) entry.subject = 'someone-else';
      entry.prevHash = prev;
      delete entry.alg;
      entry.hash = hashEntry(entry);
      prev = entry.hash;
    }
    expect((await verifyChain(chain)).firstBreak).toMatchObject({ seq: 2, problem: 'downgraded' });
  });

  it('when an entry is rewritten and the chain after it recomputed with a key of the forger’s own, the forgery is detected', async () => {
    const { chain, store } = await chainOf(3);
    const forger = hmacKey();
    let prev = store.entries[0].hash;
    for (const entry of store.entries.slice(1)) {
      if (entry.seq === 2) entry.subject = 'someone-else';
      entry.prevHash = prev;
      entry.hash = await forger.generate(contentDigest(entry));
      prev = entry.hash;
    }
    expect((await verifyChain(chain)).firstBreak).toMatchObject({ seq: 2, problem: 'altered' });
  });

  it('when the newest entry is removed right after it was written, the anchor past the end reports the truncation', async () => {
    const { chain, store } = await chainOf(3);
    store.entries.pop();
    expect(await verifyChain(chain)).toMatchObject({ intact: false, firstBreak: { seq: 3, problem: 'truncated' } });
  });

  it('when every entry is removed, the anchors still report the truncation', async () => {
    const { chain, store } = await chainOf(2);
    store.entries.splice(0);
    expect((await verifyChain(chain)).firstBreak).toMatchObject({ seq: 1, problem: 'truncated' });
  });

  it('when the newest entry is replaced by one with a valid-looking MAC but no anchor, it is reported', async () => {
    // E.g. an entry inserted by someone who can write the table and somehow got a MAC, but cannot anchor it.
    const { chain, store } = await chainOf(2);
    const latest = store.entries[1];
    const extra = { ...event(9), seq: 3, at: clock(), prevHash: latest.hash, alg: MAC_ALG } as const;
    store.entries.push({ ...extra, hash: await chain.mac.generate(contentDigest(extra)) });
    expect((await verifyChain(chain)).firstBreak).toMatchObject({ seq: 3, problem: 'unanchored' });
  });

  it('accepts entries written before keying as a prefix, and detects a rewrite of that prefix through the first keyed entry', async () => {
    const { chain, store } = newChain();
    // Two plain entries, as the chain held them before it was keyed.
    let prevHash = GENESIS_HASH;
    for (let seq = 1; seq <= 2; seq += 1) {
      const base = { ...event(seq), seq, at: clock(), prevHash };
      store.entries.push({ ...base, hash: hashEntry(base) });
      prevHash = hashEntry(base);
    }
    await appendAuditEntry(chain, event(3), clock);
    expect(await verifyChain(chain)).toMatchObject({ intact: true });

    // Rewrite the plain prefix and recompute its plain hashes: the keyed entry 3 no longer links.
    store.entries[0].subject = 'someone-else';
    store.entries[0].hash = hashEntry(store.entries[0]);
    store.entries[1].prevHash = store.entries[0].hash;
    store.entries[1].hash = hashEntry(store.entries[1]);
    expect((await verifyChain(chain)).firstBreak).toMatchObject({ seq: 3, problem: 'relinked' });
  });

  it('when writers race for the same sequence number, each entry still lands exactly once and is anchored once', async () => {
    const { chain, store, anchors } = newChain();
    await Promise.all(Array.from({ length: 25 }, (_, i) => appendAuditEntry(chain, event(i), clock)));
    expect(store.entries.map((e) => e.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(anchors.records.map((r) => r.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect((await verifyChain(chain)).intact).toBe(true);
  });

  it('an audited write alongside goes to the store with its entry, again with the retry when the sequence number was taken, and the entry is anchored', async () => {
    const { chain, store, anchors } = await chainOf(1);
    const seen: Array<{ seq: number; alongside: unknown }> = [];
    const racing: AuditChain = {
      ...chain,
      store: {
        ...store,
        async insert(entry, alongside) {
          seen.push({ seq: entry.seq, alongside });
          // Another writer takes seq 2 just before this one's first insert.
          if (seen.length === 1) await store.insert({ ...entry, actor: 'local:other' });
          return store.insert(entry);
        },
      },
    };
    const entry = await appendAuditEntry(racing, event(2), clock, 5, { Delete: 'the row' });
    expect(seen).toEqual([
      { seq: 2, alongside: { Delete: 'the row' } },
      { seq: 3, alongside: { Delete: 'the row' } },
    ]);
    expect(entry.seq).toBe(3);
    expect(anchors.records.at(-1)).toEqual({ seq: 3, hash: entry.hash });
  });

  it('when the audited write alongside is refused, the append fails at once with nothing written or anchored', async () => {
    const { chain, store, anchors } = await chainOf(1);
    let inserts = 0;
    const refusing: AuditChain = {
      ...chain,
      store: {
        ...store,
        async insert() {
          inserts += 1;
          throw new AlongsideWriteRefusedError();
        },
      },
    };
    const refused = await appendAuditEntry(refusing, event(2), clock, 5, { Delete: 'the row' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AlongsideWriteRefusedError);
    // What an operator reads in a log line: the error says that nothing was written.
    expect({ name: (refused as Error).name, message: (refused as Error).message }).toEqual({
      name: 'AlongsideWriteRefusedError',
      message: 'the write audited with this entry was refused; nothing was written',
    });
    expect(inserts).toBe(1);
    expect(store.entries).toHaveLength(1);
    expect(anchors.records).toHaveLength(1);
  });

  it('when the anchor cannot be written, the append fails (so the audited action does not run)', async () => {
    const { chain } = newChain();
    const failing: AuditChain = { ...chain, anchors: { ...chain.anchors, record: async () => Promise.reject(new Error('s3 down')) } };
    await expect(appendAuditEntry(failing, event(1), clock)).rejects.toMatchObject({ name: 'AuditWriteError' });
  });

  it.each(['at', 'actor', 'action', 'subject', 'reason', 'details'] as const)('the MAC covers %s: changing it alone is detected', async (field) => {
    const { chain, store } = await chainOf(1);
    const entry = store.entries[0] as unknown as Record<string, unknown>;
    entry[field] = field === 'details' ? { lookup: 'email' } : `${String(entry[field])}x`;
    expect((await verifyChain(chain)).firstBreak).toMatchObject({ seq: 1, problem: 'altered' });
  });
});

describe('the audit chain, exactly', () => {
  const base = { seq: 1, at: '2026-11-24T10:00:00.000Z', actor: 'local:ada', action: 'customers.show', subject: 'user-1', reason: 'support ticket 4411', prevHash: GENESIS_HASH };

  it('keeps its persisted constants: the genesis hash and the MAC scheme name', () => {
    expect(GENESIS_HASH).toBe('0'.repeat(64));
    expect(MAC_ALG).toBe('kms-hmac-sha256');
  });

  it('digests a known entry to a known value (SHA-256 of the sorted-key JSON, computed outside this code)', () => {
    expect(contentDigest({ ...base, details: { b: 'two', a: 1 }, alg: MAC_ALG })).toBe('ced2a2414000c3363ac4433e8720ad17592921d9e93d1fee440f359a8f3b8fd2');
    expect(hashEntry({ ...base, alg: MAC_ALG })).toBe('9ac912acd7654a66d81b0ad3fed0cc4bc503a8d61173a3fbd709c1c92d70e1bc');
  });

  it('gives the same digest whatever order DynamoDB returns the details map in', () => {
    expect(contentDigest({ ...base, details: { a: 1, b: 'two', c: null } })).toBe(contentDigest({ ...base, details: { c: null, b: 'two', a: 1 } }));
    expect(canonical({ z: { y: 1, x: [{ b: 2, a: 1 }] }, a: 0 })).toBe('{"a":0,"z":{"x":[{"a":1,"b":2}],"y":1}}');
  });

  it('stamps new entries with the MAC scheme and starts from the genesis hash', async () => {
    const { chain } = newChain();
    const first = await appendAuditEntry(chain, event(1), clock);
    expect(first.alg).toBe('kms-hmac-sha256');
    expect(first.prevHash).toBe('0'.repeat(64));
  });

  it('gives up with AuditWriteError after the given number of attempts when every sequence number is taken', async () => {
    const { chain, store } = newChain();
    let inserts = 0;
    const contended: AuditChain = { ...chain, store: { ...store, insert: async () => { inserts += 1; return false; } } };
    await expect(appendAuditEntry(contended, event(1), clock, 3)).rejects.toThrow(new AuditWriteError('Could not append to the audit log: too much contention.'));
    expect(inserts).toBe(3);
    await expect(appendAuditEntry(contended, event(1), clock, 3)).rejects.toBeInstanceOf(AuditWriteError);
  });

  it('names the entry it could not anchor and keeps the cause', async () => {
    const { chain } = newChain();
    const cause = new Error('s3 down');
    const failing: AuditChain = { ...chain, anchors: { ...chain.anchors, record: async () => Promise.reject(cause) } };
    const error = (await appendAuditEntry(failing, event(1), clock).catch((e: unknown) => e)) as AuditWriteError;
    expect(error).toBeInstanceOf(AuditWriteError);
    expect(error.message).toBe('Audit entry 1 was written but could not be anchored.');
    expect(error.cause).toBe(cause);
  });

  it('reports each kind of break with the words `audit list` shows', async () => {
    const altered = await chainOf(3);
    altered.store.entries[1].subject = 'user-x';
    expect((await verifyChain(altered.chain)).firstBreak).toEqual({ seq: 2, problem: 'altered', detail: 'entry 2 does not carry a valid MAC: changed after it was written, or not written by an audit writer' });

    const missing = await chainOf(4);
    missing.store.entries.splice(1, 1);
    expect((await verifyChain(missing.chain)).firstBreak).toEqual({ seq: 2, problem: 'missing', detail: 'entry 2 is missing (next present is 3)' });

    const relinked = await chainOf(3);
    relinked.store.entries[2].prevHash = 'f'.repeat(64);
    expect((await verifyChain(relinked.chain)).firstBreak).toEqual({ seq: 3, problem: 'relinked', detail: 'entry 3 does not point at the hash of entry 2' });

    const truncated = await chainOf(3);
    truncated.store.entries.pop();
    expect((await verifyChain(truncated.chain)).firstBreak).toEqual({ seq: 3, problem: 'truncated', detail: 'entry 3 was anchored but is not in the table: entries were removed from the end' });
  });

  it('a plain (pre-keying) entry written after keyed ones is a downgrade, and so is an unknown scheme', async () => {
    const { chain, store } = await chainOf(2);
    const plain = { ...event(3), seq: 3, at: clock(), prevHash: store.entries[1].hash };
    store.entries.push({ ...plain, hash: hashEntry(plain) });
    expect((await verifyChain(chain)).firstBreak).toEqual({ seq: 3, problem: 'downgraded', detail: 'entry 3 is not keyed, after keyed entries' });

    const other = newChain();
    const odd = { ...event(1), seq: 1, at: clock(), prevHash: GENESIS_HASH, alg: 'sha256' } as unknown as AuditEntry;
    other.store.entries.push({ ...odd, hash: hashEntry(odd) });
    expect((await verifyChain(other.chain)).firstBreak).toMatchObject({ seq: 1, problem: 'downgraded' });
  });

  it('a chain of plain (pre-keying) entries alone, written before anchors existed, is intact', async () => {
    const { chain, store } = newChain();
    const plain = { ...event(1), seq: 1, at: clock(), prevHash: GENESIS_HASH };
    store.entries.push({ ...plain, hash: hashEntry(plain) });
    expect(await verifyChain(chain)).toMatchObject({ intact: true, firstBreak: undefined });
  });

  it('a changed plain (pre-keying) entry is reported as altered', async () => {
    const { chain, store } = newChain();
    const plain = { ...event(1), seq: 1, at: clock(), prevHash: GENESIS_HASH };
    store.entries.push({ ...plain, hash: hashEntry(plain), subject: 'user-x' });
    expect((await verifyChain(chain)).firstBreak).toEqual({ seq: 1, problem: 'altered', detail: 'entry 1 was changed after it was written' });
  });

  it('a newest entry replaced in place (same number, another MAC) does not match its anchor', async () => {
    const { chain, store } = await chainOf(3);
    const forged = { ...store.entries[2], subject: 'user-x' };
    const { hash: _old, ...content } = forged;
    store.entries[2] = { ...content, hash: await chain.mac.generate(contentDigest(content)) };
    expect((await verifyChain(chain)).firstBreak).toEqual({
      seq: 3,
      problem: 'unanchored',
      detail: 'entry 3 has no anchor: not written by an audit writer (or its writer is still anchoring it)',
    });
  });

  it('a truncation is found at the head of a long chain too (anchors are read from the last entry on)', async () => {
    const { chain, store } = await chainOf(60);
    store.entries.pop();
    expect((await verifyChain(chain)).firstBreak).toMatchObject({ seq: 60, problem: 'truncated' });
  });
});
