import { createHash } from 'node:crypto';
import type { AttributeValue, DynamoItem } from './types';

/**
 * An order-independent fingerprint of a set of DynamoDB items, computed the same way over an
 * export's DYNAMODB_JSON lines and over a restored table's Scan. Each item is written in one
 * canonical form (map keys and set members sorted, numbers normalised, binary as base64) and
 * hashed; the hashes are added modulo 2^256, so the order of items and of files never matters
 * while any changed, missing or extra item changes the sum.
 */
const MOD = 1n << 256n;

/** `1E+125`, `10e124` and `1000…0` are the same DynamoDB number: one form for all of them. */
export function canonicalNumber(text: string): string {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return `?${text}`;
  const intPart = m[2];
  let digits = intPart + (m[3] ?? '');
  let exponent = Number(m[4] ?? '0') + intPart.length;
  const leading = /^0*/.exec(digits)![0].length;
  digits = digits.slice(leading);
  exponent -= leading;
  digits = digits.replace(/0+$/, '');
  if (digits === '') return '0';
  return `${m[1] === '-' ? '-' : ''}0.${digits}e${exponent}`;
}

function base64(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  throw new Error('A binary attribute is neither base64 text nor bytes');
}

function canonicalValue(value: AttributeValue): string {
  const [type, inner] = Object.entries(value)[0] ?? [];
  switch (type) {
    case 'S':
      return `S${JSON.stringify(inner)}`;
    case 'N':
      return `N${canonicalNumber(String(inner))}`;
    case 'B':
      return `B${base64(inner)}`;
    case 'BOOL':
      return `BOOL${inner ? 1 : 0}`;
    case 'NULL':
      return 'NULL';
    case 'SS':
      return `SS[${(inner as string[]).map((s) => JSON.stringify(s)).sort().join(',')}]`;
    case 'NS':
      return `NS[${(inner as string[]).map(canonicalNumber).sort().join(',')}]`;
    case 'BS':
      return `BS[${(inner as unknown[]).map(base64).sort().join(',')}]`;
    case 'L':
      return `L[${(inner as AttributeValue[]).map(canonicalValue).join(',')}]`;
    case 'M':
      return `M${canonicalItem(inner as DynamoItem)}`;
    default:
      throw new Error(`Unknown DynamoDB attribute type ${String(type)}`);
  }
}

export function canonicalItem(item: DynamoItem): string {
  const keys = Object.keys(item).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalValue(item[k])}`).join(',')}}`;
}

export function itemHash(item: DynamoItem): bigint {
  return BigInt(`0x${createHash('sha256').update(canonicalItem(item)).digest('hex')}`);
}

export interface ItemsFingerprint {
  count: number;
  checksum: string;
}

export async function fingerprint(items: AsyncIterable<DynamoItem> | Iterable<DynamoItem>): Promise<ItemsFingerprint> {
  let sum = 0n;
  let count = 0;
  for await (const item of items) {
    sum = (sum + itemHash(item)) % MOD;
    count += 1;
  }
  return { count, checksum: sum.toString(16).padStart(64, '0') };
}
