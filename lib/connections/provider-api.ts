import * as z from 'zod/mini';
import { ProviderCallError, ScopeNotGrantedError } from './model';
import { guardedFetch, retryAfterSeconds, type OutboundPolicy } from './outbound-fetch';
import type { ProviderConfig } from './providers';
import { ProviderAccountAnswer, ProviderPostAnswer, ProviderPostsAnswer } from './schemas';

/**
 * Calls to a provider's API with one connection's access token, server-side only. Paths are
 * fixed here and appended to the configured API base URL: nothing from a request chooses where
 * the call goes. Answers are schema-checked, so garbage is a provider failure, never a 500.
 */
export interface Post {
  id: string;
  text: string;
  createdAt: string;
}

/** The provider refused the access token (401): refresh once, then the grant is gone. */
export class AccessTokenRejectedError extends Error {
  constructor() {
    super('the provider rejected the access token');
    this.name = 'AccessTokenRejectedError';
  }
}

export interface ProviderApi {
  account(provider: ProviderConfig, accessToken: string): Promise<{ id: string; name: string }>;
  listPosts(provider: ProviderConfig, accessToken: string): Promise<Post[]>;
  publishPost(provider: ProviderConfig, accessToken: string, text: string): Promise<Post>;
}

export function httpProviderApi(policy: OutboundPolicy, now: () => number): ProviderApi {
  const fetcher = guardedFetch(policy);

  async function call<T>(provider: ProviderConfig, accessToken: string, method: 'GET' | 'POST', path: string, schema: z.core.$ZodType<T>, body?: unknown, scope?: string): Promise<T> {
    const response = await fetcher(`${provider.apiBaseUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${accessToken}`, Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status === 401) {
      await response.body?.cancel();
      throw new AccessTokenRejectedError();
    }
    if (response.status === 403 && scope) {
      await response.body?.cancel();
      throw new ScopeNotGrantedError(scope);
    }
    if (response.status === 429 || response.status >= 500 || response.status < 200 || response.status >= 300) {
      await response.body?.cancel();
      throw new ProviderCallError(`the provider answered ${response.status}`, retryAfterSeconds(response.headers.get('retry-after'), now()));
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      // The guarded fetch caps the body as it streams (outbound-fetch.ts capBody).
      if (error instanceof ProviderCallError) throw error;
      throw new ProviderCallError('the provider did not finish its answer in time', undefined, { cause: error });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new ProviderCallError('the provider answered something that is not JSON', undefined, { cause: error });
    }
    const checked = z.safeParse(schema, parsed);
    if (!checked.success) throw new ProviderCallError('the provider answered an unexpected shape');
    return checked.data;
  }

  return {
    async account(provider, accessToken) {
      const out = await call(provider, accessToken, 'GET', '/me', ProviderAccountAnswer);
      return { id: out.id, name: out.name ?? out.id };
    },
    async listPosts(provider, accessToken) {
      return (await call(provider, accessToken, 'GET', '/posts', ProviderPostsAnswer, undefined, 'posts.read')).posts;
    },
    async publishPost(provider, accessToken, text) {
      return (await call(provider, accessToken, 'POST', '/posts', ProviderPostAnswer, { text }, 'posts.write')).post;
    },
  };
}
