/**
 * The one retry helper: bounded attempts with full-jitter exponential backoff (a random wait of
 * up to base·2^(n-1) ms before attempt n+1, capped, after an optional floor), for work that may lose a race or be left
 * partly done by AWS (unprocessed batch keys, a transaction conflict, a taken sequence number).
 * The AWS SDK already retries throttling and network errors per request (client-config.ts); this
 * is for the outcomes the SDK reports as success or as a final error.
 */
export interface RetryPolicy {
  /** How many times `fn` runs at most (the first run included). */
  attempts: number;
  baseDelayMs: number;
  /** Caps the random part of a wait. */
  maxDelayMs?: number;
  /**
   * A wait never shorter than this (added to the random part): for work that conflicted with
   * another writer still in flight, where trying again at once can only conflict again.
   */
  minDelayMs?: number;
}

/** Thrown by `fn` to ask for another attempt; what it carries is rethrown when attempts run out. */
export class TryAgainError extends Error {
  constructor(readonly lastError?: unknown) {
    super('try again');
    this.name = 'TryAgainError';
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The wait before attempt `attempt + 1` (attempt counts from 1). */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs ?? Number.POSITIVE_INFINITY, policy.baseDelayMs * 2 ** (attempt - 1));
  return (policy.minDelayMs ?? 0) + Math.floor(random() * ceiling);
}

/**
 * Runs `fn(attempt)` until it returns. It runs again (after a backoff) when it throws a
 * TryAgainError or an error `retryable` accepts; any other error propagates at once. When the
 * attempts run out, `exhausted(lastError)` says what to throw (by default the last error itself).
 */
export async function retry<T>(
  fn: (attempt: number) => Promise<T>,
  policy: RetryPolicy & { retryable?: (error: unknown) => boolean; exhausted?: (lastError: unknown) => Error },
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await fn(attempt);
    } catch (error) {
      const again = error instanceof TryAgainError || policy.retryable?.(error) === true;
      if (!again) throw error;
      const last = error instanceof TryAgainError ? error.lastError : error;
      if (attempt >= policy.attempts) throw policy.exhausted ? policy.exhausted(last) : last ?? error;
      await sleep(backoffDelay(attempt, policy));
    }
  }
}
