import { randomUUID } from 'node:crypto';
import { consumeRateLimit } from '../../../lib/platform/rate-limit';
import { setClock } from '../../../lib/platform/time';

describe('fixed-window rate limits (emulator)', () => {
  afterEach(() => setClock(undefined));
  const table = () => process.env.RATE_LIMITS_TABLE!;

  it('allows exactly the limit under 30 concurrent requests, then says how long to wait', async () => {
    // Prepare
    setClock('2026-11-24T10:00:10Z');
    const key = randomUUID();
    const rule = { scope: 'test', limit: 5, windowSeconds: 60 };
    // Act
    const results = await Promise.all(Array.from({ length: 30 }, () => consumeRateLimit(table(), rule, key)));
    // Assess
    expect(results.filter((r) => r.allowed)).toHaveLength(5);
    expect(results.filter((r) => !r.allowed).every((r) => r.retryAfterSeconds === 50)).toBe(true);
  });

  it('starts a fresh window once the old one ends', async () => {
    const key = randomUUID();
    const rule = { scope: 'test', limit: 1, windowSeconds: 60 };
    setClock('2026-11-24T10:00:00Z');
    expect((await consumeRateLimit(table(), rule, key)).allowed).toBe(true);
    expect((await consumeRateLimit(table(), rule, key)).allowed).toBe(false);
    setClock('2026-11-24T10:01:00Z');
    expect((await consumeRateLimit(table(), rule, key)).allowed).toBe(true);
  });
});
