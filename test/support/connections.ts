import { parseSetCookie } from 'cookie';
import { issuedTokens } from '../../scripts/lib/social-provider';
import type { Send, TestResponse } from './http';
import { registerSecret } from './secrets-registry';

/**
 * Helpers for the connected-accounts tests: a "browser" that walks the connect flow through the
 * backend's start step, the stand-in provider (which approves at once) and the callback.
 */
export const SOCIAL_TOKEN_TTL_SECONDS = 5;
/** The public URL the in-process (integration) stage believes it has. */
export const TEST_PUBLIC_URL = 'http://localhost:3000';
export const CONNECTIONS_TABLE = 'helpshelf-local-connections';

export function bearer(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}

/** Registers every token the stand-in ever issued for the leak check; returns them. */
export async function registerIssuedTokens(issuer: string) {
  const tokens = await issuedTokens(issuer);
  for (const t of tokens) registerSecret(t.value, `stand-in provider ${t.kind} token`);
  return tokens;
}

function pathOf(url: string): string {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
}

function cookieFrom(res: TestResponse): string | undefined {
  const header = res.headers['set-cookie'];
  return header ? header.split(';')[0] : undefined;
}

/**
 * A browser of its own: a cookie jar around `send` that keeps what the responses set
 * (`Max-Age=0` or an empty value removes a cookie) and sends it back on every request under the
 * cookie's path. Two of these are two people's browsers.
 */
export interface Browser {
  send: Send;
  cookies: Map<string, { value: string; path: string }>;
}

export function browserOf(send: Send): Browser {
  const cookies = new Map<string, { value: string; path: string }>();
  const browserSend: Send = async (request) => {
    const path = request.path.split('?')[0];
    const jar = [...cookies].filter(([, c]) => path === c.path || path.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`));
    const headers: Record<string, string | string[]> = { ...(request.headers ?? {}) };
    if (jar.length > 0) headers.Cookie = jar.map(([name, c]) => `${name}=${c.value}`).join('; ');
    const res = await send({ ...request, headers });
    const set = res.headers['set-cookie'];
    if (set) {
      const parsed = parseSetCookie(set);
      if (parsed.maxAge === 0 || !parsed.value) cookies.delete(parsed.name);
      else cookies.set(parsed.name, { value: parsed.value, path: parsed.path ?? '/' });
    }
    return res;
  };
  return { send: browserSend, cookies };
}

export interface BrowserStart {
  /** The provider's authorization URL the start step redirected to. */
  authorizationUrl: string;
  /** `name=value` of the binding cookie. */
  cookie: string;
  state: string;
}

export async function beginConnect(send: Send, token: string, body: Record<string, unknown> = { provider: 'demo' }): Promise<TestResponse> {
  return send({ method: 'POST', path: '/v1/connections', headers: bearer(token), body });
}

/** The start step, with the binding cookie POST /v1/connections set (`begun`'s Set-Cookie). */
export async function startInBrowser(send: Send, begun: TestResponse): Promise<BrowserStart> {
  expect(begun.status).toBe(201);
  const cookie = cookieFrom(begun);
  expect(cookie).toMatch(/^hs_connect=[A-Za-z0-9_-]{43}$/);
  const res = await send({ method: 'GET', path: pathOf(begun.json.connectUrl), headers: { Cookie: cookie! } });
  expect(res.status).toBe(302);
  expect(res.headers['set-cookie']).toBeUndefined();
  const authorizationUrl = res.headers.location;
  return { authorizationUrl, cookie: cookie!, state: new URL(authorizationUrl).searchParams.get('state')! };
}

import { approveAtProvider } from '../../scripts/lib/social-provider';

export { approveAtProvider };

export async function returnToCallback(send: Send, callback: URL | string, cookie?: string): Promise<TestResponse> {
  const path = typeof callback === 'string' ? callback : `${callback.pathname}${callback.search}`;
  return send({ method: 'GET', path, headers: cookie ? { Cookie: cookie } : {} });
}

/** The whole flow, as a browser would: returns the new connection's id. */
export async function connectDemo(send: Send, token: string, body: Record<string, unknown> = { provider: 'demo' }): Promise<string> {
  const begun = await beginConnect(send, token, body);
  const started = await startInBrowser(send, begun);
  const callback = await approveAtProvider(started.authorizationUrl);
  const done = await returnToCallback(send, callback, started.cookie);
  expect(done.status).toBe(302);
  const location = new URL(done.headers.location);
  expect(location.searchParams.get('status')).toBe('connected');
  return location.searchParams.get('connection')!;
}
