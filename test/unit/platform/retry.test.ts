import { backoffDelay, retry, TryAgainError } from '../../../lib/platform/retry';

const fast = { attempts: 4, baseDelayMs: 1, maxDelayMs: 2 };

describe('retry (the one retry helper)', () => {
  it('returns the first result that is not a request to try again, counting attempts from 1', async () => {
    const seen: number[] = [];
    const value = await retry(async (attempt) => {
      seen.push(attempt);
      if (attempt < 3) throw new TryAgainError();
      return 'done';
    }, fast);
    expect({ value, seen }).toEqual({ value: 'done', seen: [1, 2, 3] });
  });

  it('stops after the last attempt with what `exhausted` says, or the last error', async () => {
    let runs = 0;
    const conflict = new Error('conflict');
    await expect(
      retry(async () => {
        runs += 1;
        throw new TryAgainError(conflict);
      }, { ...fast, exhausted: (last) => new Error(`gave up after ${runs}: ${(last as Error).message}`) }),
    ).rejects.toThrow('gave up after 4: conflict');
    await expect(retry(async () => Promise.reject(new TryAgainError(conflict)), fast)).rejects.toBe(conflict);
  });

  it('retries an error only when `retryable` accepts it; any other error propagates at once', async () => {
    let runs = 0;
    const transient = Object.assign(new Error('busy'), { name: 'TransactionCanceledException' });
    await expect(
      retry(async () => {
        runs += 1;
        throw runs === 1 ? transient : new Error('bug');
      }, { ...fast, retryable: (e) => (e as Error).name === 'TransactionCanceledException' }),
    ).rejects.toThrow('bug');
    expect(runs).toBe(2);
  });

  it('waits a random time up to base·2^(n-1), capped (full jitter)', () => {
    const policy = { attempts: 10, baseDelayMs: 25, maxDelayMs: 400 };
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, policy, () => 0.999999))).toEqual([24, 49, 99, 199, 399, 399]);
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
  });

  it('with minDelayMs, never waits less than the floor (the random part on top of it)', () => {
    const policy = { attempts: 5, minDelayMs: 10, baseDelayMs: 40, maxDelayMs: 160 };
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, policy, () => 0))).toEqual([10, 10, 10, 10]);
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, policy, () => 0.999999))).toEqual([49, 89, 169, 169]);
  });
});
