import { ProviderCallError } from './model';

/**
 * The only way connection code reaches the network: allow-listed hosts only (those of the
 * configured provider endpoints), `https:` only outside the local stage, no redirects followed
 * (a redirect could lead anywhere), and a bounded time for the whole exchange.
 */
export interface OutboundPolicy {
  allowedHosts: ReadonlySet<string>;
  allowHttp: boolean;
  timeoutMs: number;
  /** The most an answer's body may hold (default 1 MiB): read as a stream and refused past it. */
  maxBodyBytes?: number;
}

export const MAX_ANSWER_BYTES = 1024 * 1024;

/**
 * The answer's body as a stream that refuses to go past `max` bytes: the reader (our JSON parse,
 * or openid-client's) gets a ProviderCallError as soon as the count passes it, and the rest is
 * never read. Before, a 200 MiB answer reached 316 MiB of memory before a length check refused it.
 */
export function capBody(response: Response, max: number): Response {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > max) {
    void response.body?.cancel();
    throw new ProviderCallError('the provider answered too much');
  }
  if (!response.body) return response;
  let seen = 0;
  const limited = response.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > max) controller.error(new ProviderCallError('the provider answered too much'));
        else controller.enqueue(chunk);
      },
    }),
  );
  return new Response(limited, { status: response.status, statusText: response.statusText, headers: response.headers });
}

export class HostNotAllowedError extends Error {
  constructor(host: string) {
    super(`outbound call to ${host} refused: not an allow-listed provider host`);
    this.name = 'HostNotAllowedError';
  }
}

export function checkOutboundUrl(raw: string | URL, policy: OutboundPolicy): URL {
  const url = new URL(raw);
  if (url.protocol !== 'https:' && !(policy.allowHttp && url.protocol === 'http:')) throw new HostNotAllowedError(`${url.protocol}//${url.host}`);
  if (!policy.allowedHosts.has(url.host) || url.username || url.password) throw new HostNotAllowedError(url.host);
  return url;
}

export function guardedFetch(policy: OutboundPolicy): typeof fetch {
  return async (input, init) => {
    const url = checkOutboundUrl(input instanceof Request ? input.url : String(input), policy);
    const timeout = AbortSignal.timeout(policy.timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    try {
      const response = await fetch(url, { ...init, redirect: 'manual', signal });
      if (response.status >= 300 && response.status < 400) {
        throw new ProviderCallError(`the provider answered a redirect (${response.status}); redirects are not followed`);
      }
      return capBody(response, policy.maxBodyBytes ?? MAX_ANSWER_BYTES);
    } catch (error) {
      if (error instanceof ProviderCallError) throw error;
      const name = (error as { name?: string }).name;
      throw new ProviderCallError(name === 'TimeoutError' || name === 'AbortError' ? 'the provider did not answer in time' : 'the provider could not be reached', undefined, { cause: error });
    }
  };
}

/** Seconds from a Retry-After header (delta-seconds or HTTP date), bounded; undefined if absent or unusable. */
export function retryAfterSeconds(header: string | null, nowMs: number): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d{1,7}$/.test(trimmed)) return Math.min(3600, Math.max(1, Number(trimmed)));
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.min(3600, Math.max(1, Math.ceil((date - nowMs) / 1000)));
}
