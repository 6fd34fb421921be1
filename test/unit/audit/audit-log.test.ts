import { appendAuditEntry, GENESIS_HASH, verifyChain, type AuditEntry, type AuditStore } from '../../../lib/audit/audit-log';

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

const clock = () => '2026-11-24T10:00:00.000Z';
const event = (n: number) => ({ actor: 'local:ada', action: 'customers.show', subject: `user-${n}`, reason: 'support ticket 4411' });

describe('the audit hash chain', () => {
  it('links each entry to the hash of the one before, starting from the genesis hash', async () => {
    const store = memoryStore();
    const first = await appendAuditEntry(store, event(1), clock);
    const second = await appendAuditEntry(store, event(2), clock);
    expect(first).toMatchObject({ seq: 1, prevHash: GENESIS_HASH });
    expect(second).toMatchObject({ seq: 2, prevHash: first.hash });
    expect(await verifyChain(store)).toMatchObject({ intact: true, firstBreak: undefined });
  });

  it('when an entry is altered, it reports that entry as the first break', async () => {
    const store = memoryStore();
    for (let i = 1; i <= 4; i += 1) await appendAuditEntry(store, event(i), clock);
    store.entries[1].reason = 'just curious';
    const report = await verifyChain(store);
    expect(report.intact).toBe(false);
    expect(report.firstBreak).toMatchObject({ seq: 2, problem: 'altered' });
  });

  it('when an entry is removed, it reports the missing sequence number', async () => {
    const store = memoryStore();
    for (let i = 1; i <= 4; i += 1) await appendAuditEntry(store, event(i), clock);
    store.entries.splice(2, 1);
    expect((await verifyChain(store)).firstBreak).toMatchObject({ seq: 3, problem: 'missing' });
  });

  it('when an entry is rewritten with a fresh hash, the next link exposes it', async () => {
    const store = memoryStore();
    for (let i = 1; i <= 3; i += 1) await appendAuditEntry(store, event(i), clock);
    const { hashEntry } = await import('../../../lib/audit/audit-log');
    const forged = { ...store.entries[1], subject: 'someone-else' };
    forged.hash = hashEntry(forged);
    store.entries[1] = forged;
    expect((await verifyChain(store)).firstBreak).toMatchObject({ seq: 3, problem: 'relinked' });
  });

  it('when writers race for the same sequence number, each entry still lands exactly once', async () => {
    const store = memoryStore();
    await Promise.all(Array.from({ length: 25 }, (_, i) => appendAuditEntry(store, event(i), clock)));
    expect(store.entries.map((e) => e.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect((await verifyChain(store)).intact).toBe(true);
  });
});
