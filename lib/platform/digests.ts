import { timingSafeEqual } from 'node:crypto';

/** The one comparison of two digests (of a token, a cookie): constant time. */
export function digestsEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
