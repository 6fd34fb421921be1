import { ConfigError } from '../../../lib/platform/config';
import { checkOutboundUrl, HostNotAllowedError, retryAfterSeconds } from '../../../lib/connections/outbound-fetch';
import { allowedHosts, parseProviders } from '../../../lib/connections/providers';
import { readCookie } from '../../../lib/connections/connect-flow';
import { refreshMarginMs } from '../../../lib/connections/token-lease';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const stageProviders = require('../../../sls/connection-providers.js') as (o: { resolveVariable: (v: string) => Promise<string> }) => Promise<{ json: string }>;

const https = {
  id: 'x',
  name: 'X',
  issuer: 'https://x.example',
  authorizationEndpoint: 'https://x.example/i/oauth2/authorize',
  tokenEndpoint: 'https://api.x.example/2/oauth2/token',
  revocationEndpoint: 'https://api.x.example/2/oauth2/revoke',
  apiBaseUrl: 'https://api.x.example/2',
  clientId: 'client',
  scopes: ['tweet.read'],
};

describe('provider configuration', () => {
  it('when a deployed stage names a plain-http endpoint, the cold start refuses it', () => {
    for (const field of ['issuer', 'authorizationEndpoint', 'tokenEndpoint', 'revocationEndpoint', 'apiBaseUrl']) {
      const entry = { ...https, [field]: 'http://x.example/anything' };
      expect(() => parseProviders(JSON.stringify([entry]), 'prod')).toThrow(ConfigError);
      expect(() => parseProviders(JSON.stringify([entry]), 'prod')).toThrow(field);
    }
    // The local stage may use http (the stand-in on 127.0.0.1).
    expect(parseProviders(JSON.stringify([{ ...https, issuer: 'http://127.0.0.1:4610' }]), 'local')[0].issuer).toBe('http://127.0.0.1:4610');
  });

  it('when a deploy is packaged with a plain-http provider, sls/connection-providers.js stops it; local lists the stand-in', async () => {
    const before = process.env.HELPSHELF_CONNECTION_PROVIDERS;
    try {
      process.env.HELPSHELF_CONNECTION_PROVIDERS = JSON.stringify([{ ...https, tokenEndpoint: 'http://api.x.example/token' }]);
      await expect(stageProviders({ resolveVariable: async () => 'prod' })).rejects.toThrow(/tokenEndpoint must be an https: URL/);
      process.env.HELPSHELF_CONNECTION_PROVIDERS = JSON.stringify([https]);
      expect(JSON.parse((await stageProviders({ resolveVariable: async () => 'prod' })).json)).toEqual([https]);
    } finally {
      if (before === undefined) delete process.env.HELPSHELF_CONNECTION_PROVIDERS;
      else process.env.HELPSHELF_CONNECTION_PROVIDERS = before;
    }
    const local = JSON.parse((await stageProviders({ resolveVariable: async () => 'local' })).json);
    expect(local.map((p: { id: string }) => p.id)).toEqual(['demo']);
  });

  it('refuses duplicate ids, bad scope names and credentials in URLs', () => {
    expect(() => parseProviders(JSON.stringify([https, https]), 'prod')).toThrow('twice');
    expect(() => parseProviders(JSON.stringify([{ ...https, scopes: ['a b'] }]), 'prod')).toThrow('scopes');
    expect(() => parseProviders(JSON.stringify([{ ...https, apiBaseUrl: 'https://user:pw@api.x.example' }]), 'prod')).toThrow('credentials');
  });
});

describe('outbound calls', () => {
  const policy = { allowedHosts: allowedHosts(parseProviders(JSON.stringify([https]), 'prod')), allowHttp: false, timeoutMs: 1000 };

  it('when a URL leaves the allow-list (another host, http, credentials, the metadata address), it is refused before any request', () => {
    expect(checkOutboundUrl('https://api.x.example/2/tweets', policy).host).toBe('api.x.example');
    for (const url of ['https://evil.example/', 'http://api.x.example/2', 'https://a:b@api.x.example/', 'http://169.254.169.254/latest/meta-data/', 'https://api.x.example.evil.example/']) {
      expect(() => checkOutboundUrl(url, policy)).toThrow(HostNotAllowedError);
    }
  });

  it('reads Retry-After as seconds or an HTTP date, bounded to an hour', () => {
    const now = Date.parse('2026-12-02T06:00:00Z');
    expect(retryAfterSeconds('7', now)).toBe(7);
    expect(retryAfterSeconds('999999', now)).toBe(3600);
    expect(retryAfterSeconds('Wed, 02 Dec 2026 06:00:30 GMT', now)).toBe(30);
    expect(retryAfterSeconds('soon', now)).toBeUndefined();
    expect(retryAfterSeconds(null, now)).toBeUndefined();
  });
});

describe('refresh margin and the binding cookie', () => {
  it('refreshes a fifth of the lifetime early, at most a minute: shorter than any token lifetime', () => {
    expect(refreshMarginMs(5)).toBe(1000);
    expect(refreshMarginMs(300)).toBe(60_000);
    expect(refreshMarginMs(7200)).toBe(60_000);
  });

  it('reads the cookie by its name; an absent or empty one is no cookie', () => {
    expect(readCookie('a=1; hs_connect=abc; b=2', 'hs_connect')).toBe('abc');
    expect(readCookie('a=1; hs_connect_x=abc', 'hs_connect')).toBeUndefined();
    expect(readCookie('hs_connect=', 'hs_connect')).toBeUndefined();
    expect(readCookie(undefined, 'hs_connect')).toBeUndefined();
  });
});
