/**
 * Login throttling, as pure arithmetic over counters kept in the rate-limits table.
 *
 * Three counters, each "failures since the last quiet period" with the time of the last one:
 * - per account (keyed by a hash of the email): 5 free failures, then a wait that doubles with
 *   every further failure (1 s, 2 s, 4 s ... capped at 15 minutes). Forgotten after 24 h quiet.
 * - per source IP: 20 free failures, then the same doubling, capped at 15 minutes; forgotten
 *   after 1 h quiet. It slows one address spraying many accounts.
 * - per (account, IP) pair, for an IP the account has logged in from successfully before
 *   (remembered 30 days): such an attempt is judged by the pair's own counter instead of the
 *   account's, so an attacker hammering the account from elsewhere cannot lock its owner out at
 *   their usual address. It is safe because the pair record exists only after a correct password
 *   from that address, the pair counter backs off on its own, and the per-IP limit still applies.
 *
 * Nothing is ever locked permanently: every wait is bounded and counters decay.
 */
export interface ThrottleRule {
  freeFailures: number;
  baseDelaySeconds: number;
  maxDelaySeconds: number;
  forgetAfterSeconds: number;
}

export const THROTTLE_RULES = {
  account: { freeFailures: 5, baseDelaySeconds: 1, maxDelaySeconds: 15 * 60, forgetAfterSeconds: 24 * 3600 },
  ip: { freeFailures: 20, baseDelaySeconds: 1, maxDelaySeconds: 15 * 60, forgetAfterSeconds: 3600 },
  pair: { freeFailures: 5, baseDelaySeconds: 1, maxDelaySeconds: 5 * 60, forgetAfterSeconds: 24 * 3600 },
} as const satisfies Record<string, ThrottleRule>;

/** How long a successful (account, IP) pair is trusted for the pair rule. */
export const TRUSTED_PAIR_SECONDS = 30 * 24 * 3600;

export function delaySeconds(failures: number, rule: ThrottleRule): number {
  if (failures < rule.freeFailures) return 0;
  const exponent = Math.min(failures - rule.freeFailures, 30);
  return Math.min(rule.maxDelaySeconds, rule.baseDelaySeconds * 2 ** exponent);
}

/**
 * The stored form of a counter under atomic reservation. `failures` counts attempts that have
 * been reserved and not given back (an attempt counts as a failure from the moment it is
 * reserved; a correct password gives it back). `nextAllowedMs` is when an attempt beyond the free
 * allowance may be reserved: every reservation pushes it out by a short lease, so concurrent
 * attempts past the allowance wait for the one in flight to settle, and settling sets it to the
 * back-off the failure count calls for.
 */
export interface StoredCounter {
  failures: number;
  lastFailureMs?: number;
  nextAllowedMs?: number;
}

/** How long a reservation holds the counter before it is settled (hashing takes well under this). */
export const RESERVATION_LEASE_MS = 10_000;

/**
 * A counter with failures whose last attempt is older than the rule's window (or unknown): it
 * starts again, with a separate reset write. The store decides a refused reservation with this.
 */
export function isStale(counter: StoredCounter | undefined, rule: ThrottleRule, nowMs: number): boolean {
  return counter !== undefined && counter.failures > 0 && (counter.lastFailureMs === undefined || nowMs - counter.lastFailureMs > rule.forgetAfterSeconds * 1000);
}

/**
 * Whether a reservation may take the counter now. The store writes exactly this test as the
 * condition of its conditional write (RESERVE_CONDITION in dynamo-login-throttle.ts); this
 * function is its specification, and test/integration/identity/throttle-store.test.ts checks the
 * store's decisions against it, counter state by counter state.
 */
export function mayReserve(counter: StoredCounter | undefined, rule: ThrottleRule, nowMs: number): boolean {
  if (counter === undefined || counter.failures <= 0) return true;
  if (isStale(counter, rule, nowMs)) return false; // restarted by a separate reset write
  return counter.failures < rule.freeFailures || counter.nextAllowedMs === undefined || counter.nextAllowedMs <= nowMs;
}

/** When the next attempt may be reserved, after a failed one left the counter at `failures`. */
export function nextAllowedAfterFailure(failures: number, rule: ThrottleRule, nowMs: number): number {
  return nowMs + delaySeconds(failures, rule) * 1000;
}

/** When the next attempt may be reserved, after a correct password gave its attempt back. */
export function nextAllowedAfterSuccess(failures: number, rule: ThrottleRule, nowMs: number): number {
  return nowMs + delaySeconds(Math.max(0, failures - 1), rule) * 1000;
}

/** Retry-After (seconds, at least 1) for a refused reservation. */
export function retryAfterFromStored(counters: Array<StoredCounter | undefined>, nowMs: number): number {
  const waits = counters.map((c) => (c?.nextAllowedMs !== undefined ? Math.ceil((c.nextAllowedMs - nowMs) / 1000) : 0));
  return Math.max(1, ...waits);
}
