import {
  deletedTest,
  emailsIn,
  ledgerItem,
  ledgerView,
  personalStrings,
  restoredItemVerdict,
  scrubDocument,
  scrubItem,
  tablePolicy,
} from '../../../lib/data-rights/ledger';
import type { DynamoItem } from '../../../lib/backups/types';

// Digests stand in for the KMS HMAC: what matters here is which address maps to which entry.
const DIGESTS: Record<string, string> = { 'gone@example.com': 'd-gone', 'kept@example.com': 'd-kept' };
const ledger = ledgerView([{ userId: 'usr_gone', emailDigest: 'd-gone' }]);
const isDeleted = deletedTest(ledger, (email) => DIGESTS[email]);

describe('the deletion ledger (pure rules)', () => {
  it('when an entry is stored, it holds the user id and the digest, never the address', () => {
    // Act
    const item = ledgerItem({ userId: 'usr_gone', emailDigest: 'd-gone', deletedAt: '2026-12-07T10:00:00.000Z' });
    // Assess
    expect(item).toEqual({ pk: 'DELETED', sk: 'USER#usr_gone', userId: 'usr_gone', emailDigest: 'd-gone', deletedAt: '2026-12-07T10:00:00.000Z' });
  });

  it('when a string is a deleted user id or a deleted address (any case), it names that account; others name nobody', () => {
    expect(isDeleted('usr_gone')).toBe('usr_gone');
    expect(isDeleted('gone@example.com')).toBe('usr_gone');
    expect(isDeleted('  GONE@example.com ')).toBe('usr_gone');
    expect(isDeleted('kept@example.com')).toBeUndefined();
    expect(isDeleted('usr_kept')).toBeUndefined();
    expect(isDeleted('unknown@example.com')).toBeUndefined();
    expect(isDeleted('usr_gone2')).toBeUndefined();
  });

  it('when an item is read, every string is seen: nested maps, lists, string sets, and key parts split on #', () => {
    const item: DynamoItem = {
      pk: { S: 'EMAIL#gone@example.com' },
      n: { N: '5' },
      billing: { M: { owner: { L: [{ S: 'x' }, { M: { deep: { S: 'usr_gone' } } }] } } },
      tags: { SS: ['a', 'b'] },
    };
    expect([...personalStrings(item)]).toEqual(['EMAIL#gone@example.com', 'EMAIL', 'gone@example.com', 'x', 'usr_gone', 'a', 'b']);
    expect(emailsIn(item)).toEqual(['gone@example.com']);
    expect(emailsIn({ a: { S: 'not an address' }, b: { S: 'x@y' }, c: { S: 'Mixed@Example.COM' } })).toEqual(['mixed@example.com']);
  });

  it('when a table erases, an item naming the account anywhere is deleted, with the account it named', () => {
    for (const item of [
      { pk: { S: 'USER#usr_gone' }, sk: { S: 'PROFILE' } },
      { pk: { S: 'EMAIL#gone@example.com' }, sk: { S: 'LOCK' } },
      { pk: { S: 'TOKEN#t1' }, sk: { S: 'T' }, userId: { S: 'usr_gone' } },
      { pk: { S: 'CUSTOMER#cus_1' }, sk: { S: 'STATE' }, owner: { M: { id: { S: 'usr_gone' } } } },
    ] as DynamoItem[]) {
      expect(restoredItemVerdict('erase', item, isDeleted)).toEqual({ action: 'delete', accounts: ['usr_gone'] });
    }
    expect(restoredItemVerdict('erase', { pk: { S: 'USER#usr_kept' }, sk: { S: 'PROFILE' }, email: { S: 'kept@example.com' } }, isDeleted)).toEqual({ action: 'keep' });
  });

  it('when a table keeps (the audit log), nothing is touched even if it names the account', () => {
    expect(restoredItemVerdict('keep', { pk: { S: 'USER#usr_gone' }, sk: { S: 'x' } }, isDeleted)).toEqual({ action: 'keep' });
  });

  it('when a table scrubs (incidents), the item stays without the address, the account link or an index key naming them', () => {
    // Prepare
    const incident: DynamoItem = {
      pk: { S: 'INCIDENT#inc_1' },
      sk: { S: 'INCIDENT' },
      email: { S: 'gone@example.com' },
      userId: { S: 'usr_gone' },
      summary: { S: 'XSS in the widget' },
      gsi1pk: { S: 'STATUS#received' },
      gsi2pk: { S: 'REPORTER#gone@example.com' },
      messages: { L: [{ M: { from: { S: 'gone@example.com' }, text: { S: 'hello' } } }] },
      cc: { SS: ['gone@example.com', 'kept@example.com'] },
      only: { SS: ['usr_gone'] },
      count: { N: '3' },
    };
    // Act
    const verdict = restoredItemVerdict('scrub', incident, isDeleted);
    // Assess
    expect(verdict).toEqual({
      action: 'scrub',
      accounts: ['usr_gone'],
      item: {
        pk: { S: 'INCIDENT#inc_1' },
        sk: { S: 'INCIDENT' },
        email: { S: '' },
        userId: { NULL: true },
        summary: { S: 'XSS in the widget' },
        gsi1pk: { S: 'STATUS#received' },
        messages: { L: [{ M: { from: { S: '' }, text: { S: 'hello' } } }] },
        cc: { SS: ['kept@example.com'] },
        only: { NULL: true },
        count: { N: '3' },
      },
    });
  });

  it('when a scrubbed value holds the person inside a #-joined string, the whole value goes', () => {
    expect(scrubItem({ pk: { S: 'K' }, sk: { S: 'S' }, ref: { S: 'FROM#gone@example.com#2026' }, keep: { S: 'FROM#kept@example.com' } }, isDeleted)).toEqual({
      pk: { S: 'K' },
      sk: { S: 'S' },
      ref: { NULL: true },
      keep: { S: 'FROM#kept@example.com' },
    });
  });

  it('when a table is named, incidents scrub, the audit, access and backups tables keep, every other table erases', () => {
    expect(tablePolicy('incidents')).toBe('scrub');
    expect(tablePolicy('audit')).toBe('keep');
    expect(tablePolicy('access')).toBe('keep');
    expect(tablePolicy('backups')).toBe('keep');
    for (const t of ['accounts', 'tokens', 'billing', 'rate-limits', 'connections', 'anything-new']) expect(tablePolicy(t)).toBe('erase');
  });

  it('when two entries share nothing, each address maps to its own account', () => {
    const two = ledgerView([
      { userId: 'usr_a', emailDigest: 'd-a' },
      { userId: 'usr_b', emailDigest: 'd-b' },
    ]);
    const test = deletedTest(two, (e) => ({ 'a@example.com': 'd-a', 'b@example.com': 'd-b' })[e]);
    expect(test('a@example.com')).toBe('usr_a');
    expect(test('b@example.com')).toBe('usr_b');
    expect(two.userIds).toEqual(new Set(['usr_a', 'usr_b']));
  });

  it('when only some strings look like addresses, only those are digested: a value with spaces, two @, a # or no dot is not one', () => {
    const item: DynamoItem = {
      a: { S: 'a b@example.com' },
      b: { S: 'a@b@example.com' },
      c: { S: 'a@example' },
      d: { S: 'x@example.c' },
      e: { S: `${'x'.repeat(65)}@example.com` },
      f: { S: `x@${'y'.repeat(191)}.com` },
      g: { S: 'ok@example.co' },
      h: { S: `${'x'.repeat(64)}@example.com` },
      i: { S: 'x@example.com!' },
    };
    expect(emailsIn(item)).toEqual(['ok@example.co', `${'x'.repeat(64)}@example.com`]);
    expect(emailsIn({ pk: { S: 'REPORTER#Gone@Example.com#inc_1' } })).toEqual(['gone@example.com']);
  });

  it('when an item names two deleted accounts, the verdict names both, once each', () => {
    const two = ledgerView([
      { userId: 'usr_a', emailDigest: 'd-a' },
      { userId: 'usr_b', emailDigest: 'd-b' },
    ]);
    const test = deletedTest(two, (e) => ({ 'a@example.com': 'd-a', 'b@example.com': 'd-b' })[e]);
    const item: DynamoItem = { pk: { S: 'PAIR#usr_a' }, sk: { S: 'usr_b' }, from: { S: 'a@example.com' } };
    expect(restoredItemVerdict('erase', item, test)).toEqual({ action: 'delete', accounts: ['usr_a', 'usr_b'] });
    expect(restoredItemVerdict('scrub', item, test)).toEqual({ action: 'scrub', accounts: ['usr_a', 'usr_b'], item: { pk: { S: 'PAIR#usr_a' }, sk: { S: 'usr_b' }, from: { S: '' } } });
  });

  it('when an index key does not name the account it stays, and values that are not strings pass through', () => {
    const item: DynamoItem = {
      pk: { S: 'USER#usr_gone' },
      sk: { S: 'X' },
      gsi1pk: { S: 'STATUS#open' },
      gsi2sk: { S: 'usr_gone' },
      gsi3pk: { S: 'REPORTER#usr_gone' },
      n: { N: '1' },
      ok: { BOOL: true },
      nothing: { NULL: true },
      bytes: { B: new Uint8Array([1]) },
      name: { S: 'usr_gone' },
    };
    expect(scrubItem(item, isDeleted)).toEqual({
      pk: { S: 'USER#usr_gone' },
      sk: { S: 'X' },
      gsi1pk: { S: 'STATUS#open' },
      n: { N: '1' },
      ok: { BOOL: true },
      nothing: { NULL: true },
      bytes: { B: new Uint8Array([1]) },
      name: { NULL: true },
    });
    // Not an index key by name: kept as a value and scrubbed like any other
    expect(scrubItem({ gsi1: { S: 'usr_gone' }, xgsi1pk: { S: 'usr_gone' }, gsi1pkx: { S: 'usr_gone' } }, isDeleted)).toEqual({ gsi1: { NULL: true }, xgsi1pk: { NULL: true }, gsi1pkx: { NULL: true } });
  });

  it('when the live deletion scrubs a stored incident (document form), the same rule applies to plain values', () => {
    // Prepare
    const incident = {
      pk: 'INCIDENT#inc_1',
      sk: 'META',
      email: 'gone@example.com',
      padded: ' gone@example.com ',
      userId: 'usr_gone',
      summary: 'XSS in the widget',
      gsi1pk: 'STATUS#received',
      gsi2pk: 'REPORTER#gone@example.com',
      gsi2sk: 42,
      messages: [{ from: 'gone@example.com', text: 'hello', at: 5 }, 'usr_gone', 'kept'],
      cc: new Set(['gone@example.com', 'kept@example.com']),
      only: new Set(['usr_gone']),
      numbers: new Set([1, 2]),
      ref: 'FROM#usr_gone',
      other: 'FROM#kept@example.com',
      raw: new Uint8Array([7]),
      flag: false,
      missing: null,
      count: 3,
    };
    // Act
    const out = scrubDocument(incident, isDeleted);
    // Assess
    expect(out).toEqual({
      pk: 'INCIDENT#inc_1',
      sk: 'META',
      email: '',
      padded: '',
      userId: null,
      summary: 'XSS in the widget',
      gsi1pk: 'STATUS#received',
      gsi2sk: 42,
      messages: [{ from: '', text: 'hello', at: 5 }, null, 'kept'],
      cc: new Set(['kept@example.com']),
      only: null,
      numbers: new Set([1, 2]),
      ref: null,
      other: 'FROM#kept@example.com',
      raw: new Uint8Array([7]),
      flag: false,
      missing: null,
      count: 3,
    });
    expect(out.raw).toBe(incident.raw);
    // Keys are never rewritten, even when they name the person
    expect(scrubDocument({ pk: 'USER#usr_gone', sk: 'gone@example.com', gsi1sk: 'usr_gone' }, isDeleted)).toEqual({ pk: 'USER#usr_gone', sk: 'gone@example.com' });
    // An index key that names nobody, or is not a string, stays
    expect(scrubDocument({ gsi1pk: 'usr_kept', gsi1sk: 7, gsi10pk: 'REPORTER#usr_gone' }, isDeleted)).toEqual({ gsi1pk: 'usr_kept', gsi1sk: 7 });
    // Not an index key by name: kept as a value and scrubbed like any other
    expect(scrubDocument({ xgsi1pk: 'usr_gone', gsi1pkx: 'usr_gone' }, isDeleted)).toEqual({ xgsi1pk: null, gsi1pkx: null });
  });

  it('when nothing is deleted, a document passes through unchanged, copies included', () => {
    const doc = { pk: 'K', list: ['a', { b: 'c' }], set: new Set(['x']) };
    expect(scrubDocument(doc, deletedTest(ledgerView([]), () => undefined))).toEqual(doc);
  });
});
