import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { StartupError } from './emulator';
import { guard } from './guardian';

/**
 * Runs the stand-in social provider (scripts/social-provider/server.mjs) as a child process:
 * oidc-provider is ESM-only and jest cannot `require` it, and a child process is also what keeps
 * it out of every Lambda bundle.
 */
export const DEFAULT_SOCIAL_PROVIDER_PORT = 4610;
export const SOCIAL_CLIENT_ID = 'helpshelf-local';

export interface SocialProviderOptions {
  port: number;
  /** Exact redirect URIs the client may use (the stage's callback URL). */
  redirectUris: string[];
  clientSecret?: string;
  accessTokenTtlSeconds?: number;
  onOutput?: (chunk: string) => void;
}

export interface SocialProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export interface IssuedToken {
  value: string;
  kind: 'access' | 'refresh';
  active: boolean;
}

export function generateClientSecret(): string {
  return `demo_secret_${randomBytes(24).toString('base64url')}`;
}

async function waitUntilUp(issuer: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new StartupError(`The stand-in social provider exited with code ${child.exitCode} while starting`);
    try {
      const res = await fetch(`${issuer}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(1000) });
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new StartupError(`The stand-in social provider did not answer on ${issuer} within ${timeoutMs} ms`);
}

export async function startSocialProvider(options: SocialProviderOptions): Promise<SocialProvider> {
  const clientSecret = options.clientSecret ?? generateClientSecret();
  const issuer = `http://127.0.0.1:${options.port}`;
  const child = spawn(process.execPath, [path.join(__dirname, '..', 'social-provider', 'server.mjs')], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '',
      SOCIAL_PROVIDER_PORT: String(options.port),
      SOCIAL_CLIENT_ID: SOCIAL_CLIENT_ID,
      SOCIAL_CLIENT_SECRET: clientSecret,
      SOCIAL_REDIRECT_URIS: options.redirectUris.join(','),
      SOCIAL_ACCESS_TOKEN_TTL_SECONDS: String(options.accessTokenTtlSeconds ?? 300),
    },
  });
  guard(child);
  const forward = (chunk: Buffer) => options.onOutput?.(chunk.toString());
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 3000).unref();
    });
  try {
    await waitUntilUp(issuer, child, 20_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { issuer, clientId: SOCIAL_CLIENT_ID, clientSecret, process: child, stop };
}

/** Every token the stand-in ever issued, with whether it is still active (its /_local/tokens hook). */
export async function issuedTokens(issuer: string): Promise<IssuedToken[]> {
  const res = await fetch(`${issuer}/_local/tokens`);
  if (!res.ok) throw new Error(`GET /_local/tokens answered ${res.status}`);
  return ((await res.json()) as { tokens: IssuedToken[] }).tokens;
}

/** The customer removes the app at the provider: every grant ends. */
export async function revokeAllAtProvider(issuer: string): Promise<void> {
  const res = await fetch(`${issuer}/_local/revoke-all`, { method: 'POST' });
  if (!res.ok) throw new Error(`POST /_local/revoke-all answered ${res.status}`);
}

export type ProviderFault = '500' | 'hang' | 'garbage' | 'busy' | null;

/** Makes the stand-in's API (and optionally its revocation endpoint) misbehave, for failure tests. */
export async function setProviderFaults(issuer: string, faults: { api?: ProviderFault; revocation?: '500' | null }): Promise<void> {
  const res = await fetch(`${issuer}/_local/faults`, { method: 'POST', body: JSON.stringify(faults) });
  if (!res.ok) throw new Error(`POST /_local/faults answered ${res.status}`);
}

/** Follows the provider's redirects (with its own cookies) until it sends the browser back to us. */
export async function approveAtProvider(authorizationUrl: string, callbackPrefix = '/v1/connections/callback'): Promise<URL> {
  const jar = new Map<string, string>();
  let url = authorizationUrl;
  for (let hop = 0; hop < 10; hop += 1) {
    const res = await fetch(url, { redirect: 'manual', headers: { Cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair.indexOf('=');
      jar.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    await res.arrayBuffer();
    const location = res.headers.get('location');
    if (!location) throw new Error(`the provider answered ${res.status} without a redirect at ${url}`);
    const next = new URL(location, url);
    if (next.pathname === callbackPrefix) return next;
    url = next.toString();
  }
  throw new Error('the provider never redirected back');
}
