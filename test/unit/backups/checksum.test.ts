import { canonicalNumber, fingerprint } from '../../../lib/backups/checksum';
import type { DynamoItem } from '../../../lib/backups/types';

describe('the content checksum of exports and restored tables', () => {
  it('treats the spellings DynamoDB may use for one number as the same number', () => {
    expect(canonicalNumber('1E+125')).toBe(canonicalNumber(`1${'0'.repeat(125)}`));
    expect(canonicalNumber('2.50')).toBe(canonicalNumber('2.5'));
    expect(canonicalNumber('-1E-130')).toBe(canonicalNumber(`-0.${'0'.repeat(129)}1`));
    expect(canonicalNumber('0.000')).toBe('0');
    expect(canonicalNumber('12345678901234567890123456789012345678')).not.toBe(canonicalNumber('12345678901234567890123456789012345679'));
  });

  it('is the same for the export form (base64 text) and the Scan form (bytes), whatever the order of items and set members', async () => {
    const exported: DynamoItem[] = [
      { pk: { S: 'a' }, b: { B: Buffer.from([0, 255]).toString('base64') }, ns: { NS: ['1', '2.50'] }, text: { S: 'héllo ✓ "q"\n' } },
      { pk: { S: 'b' }, bs: { BS: [Buffer.from('y').toString('base64'), Buffer.from('x').toString('base64')] }, m: { M: { z: { NULL: true }, a: { L: [{ BOOL: false }] } } } },
    ];
    const scanned: DynamoItem[] = [
      { m: { M: { a: { L: [{ BOOL: false }] }, z: { NULL: true } } }, bs: { BS: [new Uint8Array([120]), new Uint8Array([121])] }, pk: { S: 'b' } },
      { text: { S: 'héllo ✓ "q"\n' }, ns: { NS: ['2.5', '1'] }, b: { B: new Uint8Array([0, 255]) }, pk: { S: 'a' } },
    ];
    expect(await fingerprint(scanned)).toEqual(await fingerprint(exported));
  });

  it('changes when one attribute, one item or one list order changes', async () => {
    const base: DynamoItem[] = [{ pk: { S: 'a' }, n: { N: '1' }, l: { L: [{ S: 'x' }, { S: 'y' }] } }, { pk: { S: 'b' } }];
    const reference = await fingerprint(base);
    expect((await fingerprint([{ ...base[0], n: { N: '2' } }, base[1]])).checksum).not.toBe(reference.checksum);
    expect(await fingerprint([base[0]])).not.toEqual(reference);
    expect((await fingerprint([{ ...base[0], l: { L: [{ S: 'y' }, { S: 'x' }] } }, base[1]])).checksum).not.toBe(reference.checksum);
    expect((await fingerprint([base[0], base[1], base[1]])).count).toBe(3);
  });
});
