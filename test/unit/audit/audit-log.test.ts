import { createHmac, randomBytes } from 'node:crypto';
import {
  appendAuditEntry,
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
