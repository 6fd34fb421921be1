import { GenerateMacCommand } from '@aws-sdk/client-kms';
import { kmsClient } from '../platform/aws/kms';

/**
 * The ledger's keyed digest of an address: KMS HMAC-SHA-256 under the stage's ledger key
 * (DELETION_LEDGER_KEY, KeySpec HMAC_256). Keyed, so a ledger read without the key cannot be
 * matched against a list of guessed addresses; a key of its own, so whoever may compute it
 * (account deletion, restores) cannot forge audit entries with it.
 */
export interface EmailDigester {
  /** Digests of the given normalised addresses, in one map; KMS is asked once per address. */
  digests(emails: readonly string[]): Promise<Map<string, string>>;
}

const CONCURRENCY = 8;

export function kmsEmailDigester(keyId: string): EmailDigester {
  const cache = new Map<string, string>();
  const one = async (email: string): Promise<string> => {
    const cached = cache.get(email);
    if (cached) return cached;
    const out = await kmsClient.send(new GenerateMacCommand({ KeyId: keyId, MacAlgorithm: 'HMAC_SHA_256', Message: Buffer.from(email, 'utf8') }));
    const digest = Buffer.from(out.Mac!).toString('hex');
    // Bounded: a restore of a large table must not hold every address it met.
    if (cache.size > 50_000) cache.clear();
    cache.set(email, digest);
    return digest;
  };
  return {
    async digests(emails) {
      const unique = [...new Set(emails)];
      const out = new Map<string, string>();
      for (let i = 0; i < unique.length; i += CONCURRENCY) {
        const batch = unique.slice(i, i + CONCURRENCY);
        const digests = await Promise.all(batch.map(one));
        batch.forEach((email, j) => out.set(email, digests[j]));
      }
      return out;
    },
  };
}
