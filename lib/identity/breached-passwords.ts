import { createHash } from 'node:crypto';
import { logger } from '../platform/logger';

/**
 * Have I Been Pwned's k-anonymity range API: only the first 5 hex characters of the password's
 * SHA-1 leave the function; the answer lists every suffix with that prefix (padded, so its size
 * says nothing either) and the match is made here.
 *
 * `failOpen` decides what an unreachable or slow HIBP means. Open (the default): the password is
 * accepted — the local common-password list still applies — so an HIBP outage cannot stop
 * signups and resets. Closed: the request fails with 503 and the user retries later; choose it
 * when refusing breached passwords matters more than availability.
 */
export interface BreachedPasswordCheck {
  /** True when the password appears in a known breach; undefined when the check could not run. */
  isBreached(password: string): Promise<boolean | undefined>;
}

export interface HibpOptions {
  timeoutMs: number;
  endpoint?: string;
  fetch?: typeof fetch;
}

export function hibpCheck(options: HibpOptions): BreachedPasswordCheck {
  const endpoint = options.endpoint ?? 'https://api.pwnedpasswords.com/range/';
  const doFetch = options.fetch ?? fetch;
  return {
    async isBreached(password) {
      const sha1 = createHash('sha1').update(password, 'utf8').digest('hex').toUpperCase();
      const prefix = sha1.slice(0, 5);
      const suffix = sha1.slice(5);
      try {
        const res = await doFetch(`${endpoint}${prefix}`, {
          headers: { 'Add-Padding': 'true', 'User-Agent': 'helpshelf-backend' },
          signal: AbortSignal.timeout(options.timeoutMs),
        });
        if (!res.ok) {
          logger.warn('breached-password check unavailable', { status: res.status });
          return undefined;
        }
        const body = await res.text();
        for (const line of body.split('\n')) {
          const [candidate, count] = line.trim().split(':');
          if (candidate === suffix && Number(count) > 0) return true;
        }
        return false;
      } catch (error) {
        logger.warn('breached-password check unavailable', { reason: (error as Error).name });
        return undefined;
      }
    },
  };
}

export const NO_BREACH_CHECK: BreachedPasswordCheck = { isBreached: async () => false };
