import { createHash } from 'node:crypto';
import { hibpCheck } from '../../../lib/identity/breached-passwords';

const PASSWORD = 'violet harbor lantern';
const SHA1 = createHash('sha1').update(PASSWORD).digest('hex').toUpperCase();

function fakeFetch(body: string, status = 200) {
  const urls: string[] = [];
  const fn = (async (url: string) => {
    urls.push(url);
    return new Response(body, { status });
  }) as unknown as typeof fetch;
  return { fn, urls };
}

describe('the Have I Been Pwned range check', () => {
  it('sends only the first 5 characters of the SHA-1 and matches the suffix locally', async () => {
    // Prepare
    const fake = fakeFetch(`0000000000000000000000000000000000A:0\r\n${SHA1.slice(5)}:42\r\n`);
    // Act
    const breached = await hibpCheck({ timeoutMs: 100, fetch: fake.fn }).isBreached(PASSWORD);
    // Assess
    expect(breached).toBe(true);
    expect(fake.urls).toEqual([`https://api.pwnedpasswords.com/range/${SHA1.slice(0, 5)}`]);
    expect(fake.urls[0]).not.toContain(SHA1.slice(5));
  });

  it('when the suffix is absent or only present as padding (count 0), the password is not breached', async () => {
    expect(await hibpCheck({ timeoutMs: 100, fetch: fakeFetch('ABCDEF0123456789ABCDEF0123456789ABC:3').fn }).isBreached(PASSWORD)).toBe(false);
    expect(await hibpCheck({ timeoutMs: 100, fetch: fakeFetch(`${SHA1.slice(5)}:0`).fn }).isBreached(PASSWORD)).toBe(false);
  });

  it('when HIBP fails or is too slow, the answer is "unknown" and the caller applies its fail-open/closed setting', async () => {
    expect(await hibpCheck({ timeoutMs: 100, fetch: fakeFetch('', 503).fn }).isBreached(PASSWORD)).toBeUndefined();
    const hanging = ((_url: string, init: RequestInit) =>
      new Promise((_resolve, reject) => init.signal!.addEventListener('abort', () => reject(new DOMException('timeout', 'TimeoutError'))))) as unknown as typeof fetch;
    expect(await hibpCheck({ timeoutMs: 50, fetch: hanging }).isBreached(PASSWORD)).toBeUndefined();
  });
});
