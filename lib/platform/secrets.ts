import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { secretsManagerClient } from './aws/secrets-manager';
import { isTransientAwsError } from './aws/errors';
import { intEnv } from './config';
import { ServiceUnavailableError } from './errors';
import { nowEpochMillis } from './time';

/**
 * Reads secrets from Secrets Manager with a small, bounded, time-limited cache: a warm function
 * does not call Secrets Manager on every request, a rotated secret is picked up within the TTL,
 * and the cache cannot grow without limit. Concurrent cold-start reads share one request.
 */
export interface SecretReaderOptions {
  ttlMs?: number;
  maxEntries?: number;
  fetch?: (secretId: string) => Promise<string>;
}

interface Entry {
  value: Promise<string>;
  expiresAt: number;
}

export class SecretNotFoundError extends Error {
  constructor(secretId: string, options?: { cause?: unknown }) {
    super(`Secret ${secretId} does not exist or has no value`, options);
    this.name = 'SecretNotFoundError';
  }
}

async function fetchFromSecretsManager(secretId: string): Promise<string> {
  try {
    const out = await secretsManagerClient.send(new GetSecretValueCommand({ SecretId: secretId }));
    if (out.SecretString === undefined) throw new SecretNotFoundError(secretId);
    return out.SecretString;
  } catch (error) {
    if (error instanceof SecretNotFoundError) throw error;
    if ((error as { name?: string }).name === 'ResourceNotFoundException') throw new SecretNotFoundError(secretId, { cause: error });
    if (isTransientAwsError(error)) throw new ServiceUnavailableError(undefined, { cause: error });
    throw error;
  }
}

export class SecretReader {
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly fetch: (secretId: string) => Promise<string>;
  private readonly cache = new Map<string, Entry>();

  constructor(options: SecretReaderOptions = {}) {
    this.ttlMs = options.ttlMs ?? 5 * 60_000;
    this.maxEntries = options.maxEntries ?? 16;
    this.fetch = options.fetch ?? fetchFromSecretsManager;
  }

  async getString(secretId: string): Promise<string> {
    const now = nowEpochMillis();
    const hit = this.cache.get(secretId);
    if (hit && hit.expiresAt > now) {
      // Re-insert to keep Map order as least-recently-used first.
      this.cache.delete(secretId);
      this.cache.set(secretId, hit);
      return hit.value;
    }
    const value = this.fetch(secretId);
    this.cache.set(secretId, { value, expiresAt: now + this.ttlMs });
    while (this.cache.size > this.maxEntries) {
      const oldest = this.cache.keys().next().value as string;
      this.cache.delete(oldest);
    }
    try {
      return await value;
    } catch (error) {
      // A failed read must not be cached: the next request tries again.
      if (this.cache.get(secretId)?.value === value) this.cache.delete(secretId);
      throw error;
    }
  }

  async getJson<T>(secretId: string): Promise<T> {
    const raw = await this.getString(secretId);
    try {
      return JSON.parse(raw) as T;
    } catch (error) {
      throw new Error(`Secret ${secretId} is not valid JSON`, { cause: error });
    }
  }

  clear(): void {
    this.cache.clear();
  }
}

/** The process-wide reader used by the handlers. */
export const secrets = new SecretReader({
  ttlMs: intEnv('SECRETS_CACHE_TTL_MS', 5 * 60_000, { min: 0 }),
});
