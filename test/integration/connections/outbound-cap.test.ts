import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ProviderCallError } from '../../../lib/connections/model';
import { openidOAuthClient } from '../../../lib/connections/oauth-client';
import { guardedFetch, type OutboundPolicy } from '../../../lib/connections/outbound-fetch';
import { httpProviderApi } from '../../../lib/connections/provider-api';
import type { ProviderConfig } from '../../../lib/connections/providers';

// Issue 21 §3 "Provider answers read whole": a provider answer is read as a stream and refused as
// soon as it passes 1 MiB, by our API client and by openid-client's token requests alike. A local
// server answers 64 MiB (streamed, with and without Content-Length); the assertion is the refusal.

const SIZE = 64 * 1024 * 1024;
let server: http.Server;
let base: string;
let written = 0;
const hits: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    const declared = req.url?.includes('declared');
    res.writeHead(200, { 'Content-Type': 'application/json', ...(declared ? { 'Content-Length': String(SIZE) } : {}) });
    const chunk = Buffer.alloc(64 * 1024, 'a');
    chunk.write('{"access_token":"');
    let sent = 0;
    const pump = () => {
      while (sent < SIZE) {
        sent += chunk.length;
        written += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function policy(): OutboundPolicy {
  return { allowedHosts: new Set([new URL(base).host]), allowHttp: true, timeoutMs: 8000 };
}

function provider(): ProviderConfig {
  return {
    id: 'big',
    name: 'Big',
    issuer: base,
    authorizationEndpoint: `${base}/authorize`,
    tokenEndpoint: `${base}/token`,
    revocationEndpoint: `${base}/revoke`,
    apiBaseUrl: base,
    clientId: 'client',
    clientAuth: 'client_secret_basic',
    scopes: ['posts.read'],
    extraScopes: [],
    issParameterSupported: false,
  } as unknown as ProviderConfig;
}

describe('a provider answer past 1 MiB is refused as it streams', () => {
  it('the guarded fetch: a body read past the cap rejects with ProviderCallError, with or without Content-Length', async () => {
    const fetcher = guardedFetch(policy());
    const streamed = await fetcher(`${base}/streamed`);
    await expect(streamed.text()).rejects.toThrow(new ProviderCallError('the provider answered too much'));
    await expect(fetcher(`${base}/declared`)).rejects.toThrow(new ProviderCallError('the provider answered too much'));
  });

  it('the provider API client refuses a 64 MiB account answer as provider_unavailable material (ProviderCallError)', async () => {
    const api = httpProviderApi(policy(), () => Date.now());
    written = 0;
    await expect(api.account(provider(), 'token')).rejects.toBeInstanceOf(ProviderCallError);
    // Stopped reading: the server could not write the whole answer (it waits on a closed reader).
    expect(written).toBeLessThan(SIZE);
  });

  it("openid-client's token request (code exchange and refresh) refuses a 64 MiB token answer", async () => {
    const oauth = openidOAuthClient({ policy: policy(), clientSecret: async () => 'secret' });
    written = 0;
    hits.length = 0;
    const refused = oauth.refresh(provider(), 'refresh-token', ['posts.read']);
    await expect(refused).rejects.toBeInstanceOf(ProviderCallError);
    expect(hits).toEqual(['/token']);
    expect(written).toBeLessThan(SIZE);
    const callback = new URL(`${base}/callback?code=abc&state=s1`);
    await expect(oauth.exchangeCode(provider(), callback, { state: 's1', codeVerifier: 'v'.repeat(43), requestedScopes: ['posts.read'] })).rejects.toBeInstanceOf(ProviderCallError);
  });
});
