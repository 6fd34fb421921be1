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

export async function startInBrowser(send: Send, connectUrl: string): Promise<BrowserStart> {
  const res = await send({ method: 'GET', path: pathOf(connectUrl) });
  expect(res.status).toBe(302);
  const cookie = cookieFrom(res);
  expect(cookie).toMatch(/^__Host-hs_connect=[A-Za-z0-9_-]{43}$/);
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
  expect(begun.status).toBe(201);
  const started = await startInBrowser(send, begun.json.connectUrl);
  const callback = await approveAtProvider(started.authorizationUrl);
  const done = await returnToCallback(send, callback, started.cookie);
  expect(done.status).toBe(302);
  const location = new URL(done.headers.location);
  expect(location.searchParams.get('status')).toBe('connected');
  return location.searchParams.get('connection')!;
}
