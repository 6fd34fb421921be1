import { ConfigError } from '../platform/config';

/**
 * The social providers a stage offers, from its configuration (CONNECTION_PROVIDERS, a JSON list
 * written by sls/connection-providers.js). Client secrets are not here: they live in Secrets
 * Manager. Parsed once at cold start; a bad entry fails the cold start with its reason, and
 * outside the local stage every endpoint must be `https:` or the stage refuses to start.
 */
export interface ProviderConfig {
  id: string;
  name: string;
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  revocationEndpoint: string;
  /** Base URL of the provider's API (posts, the account behind a grant). */
  apiBaseUrl: string;
  clientId: string;
  clientAuth: 'client_secret_basic' | 'client_secret_post';
  /** Scopes a customer may ask for. */
  scopes: string[];
  /** Scopes always requested besides the customer's (e.g. `offline_access` for a refresh token). */
  extraScopes: string[];
  /** Whether the provider sends `iss` in the authorization response (RFC 9207). */
  issParameterSupported: boolean;
}

const ID = /^[a-z][a-z0-9-]{0,31}$/;
const SCOPE = /^[\x21\x23-\x5b\x5d-\x7e]{1,100}$/; // RFC 6749 scope-token

function endpoint(provider: string, field: string, raw: unknown, allowHttp: boolean): string {
  if (typeof raw !== 'string') throw new ConfigError(`Connection provider ${provider}: ${field} is missing`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`Connection provider ${provider}: ${field} is not a URL`);
  }
  if (url.protocol !== 'https:' && !(allowHttp && url.protocol === 'http:')) {
    throw new ConfigError(`Connection provider ${provider}: ${field} must be https: outside the local stage`);
  }
  if (url.username || url.password || url.hash) throw new ConfigError(`Connection provider ${provider}: ${field} must not carry credentials or a fragment`);
  return url.toString().replace(/\/$/, '');
}

function stringList(provider: string, field: string, raw: unknown): string[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw) || !raw.every((s) => typeof s === 'string' && SCOPE.test(s))) {
    throw new ConfigError(`Connection provider ${provider}: ${field} must be a list of scope names`);
  }
  return raw as string[];
}

export function parseProviders(json: string, stage: string): ProviderConfig[] {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new ConfigError('CONNECTION_PROVIDERS is not valid JSON');
  }
  if (!Array.isArray(raw)) throw new ConfigError('CONNECTION_PROVIDERS must be a JSON list');
  const allowHttp = stage === 'local';
  const seen = new Set<string>();
  return raw.map((entry: Record<string, unknown>) => {
    const id = String(entry?.id ?? '');
    if (!ID.test(id)) throw new ConfigError(`Connection provider id "${id}" is not valid`);
    if (seen.has(id)) throw new ConfigError(`Connection provider ${id} is listed twice`);
    seen.add(id);
    const clientAuth = entry.clientAuth ?? 'client_secret_basic';
    if (clientAuth !== 'client_secret_basic' && clientAuth !== 'client_secret_post') {
      throw new ConfigError(`Connection provider ${id}: clientAuth must be client_secret_basic or client_secret_post`);
    }
    const scopes = stringList(id, 'scopes', entry.scopes);
    if (scopes.length === 0) throw new ConfigError(`Connection provider ${id}: scopes must not be empty`);
    if (typeof entry.clientId !== 'string' || entry.clientId === '') throw new ConfigError(`Connection provider ${id}: clientId is missing`);
    return {
      id,
      name: typeof entry.name === 'string' && entry.name ? entry.name : id,
      issuer: endpoint(id, 'issuer', entry.issuer, allowHttp),
      authorizationEndpoint: endpoint(id, 'authorizationEndpoint', entry.authorizationEndpoint, allowHttp),
      tokenEndpoint: endpoint(id, 'tokenEndpoint', entry.tokenEndpoint, allowHttp),
      revocationEndpoint: endpoint(id, 'revocationEndpoint', entry.revocationEndpoint, allowHttp),
      apiBaseUrl: endpoint(id, 'apiBaseUrl', entry.apiBaseUrl, allowHttp),
      clientId: entry.clientId,
      clientAuth,
      scopes,
      extraScopes: stringList(id, 'extraScopes', entry.extraScopes),
      issParameterSupported: entry.issParameterSupported === true,
    };
  });
}

/**
 * The hosts outbound calls may reach: exactly those of the configured endpoints. Nothing a
 * customer sends, and nothing a provider answers, can add a host (no SSRF through either).
 */
export function allowedHosts(providers: ProviderConfig[]): Set<string> {
  const hosts = new Set<string>();
  for (const p of providers) {
    for (const url of [p.issuer, p.authorizationEndpoint, p.tokenEndpoint, p.revocationEndpoint, p.apiBaseUrl]) hosts.add(new URL(url).host);
  }
  return hosts;
}
