import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { EMULATOR_REGION, freePort } from '../lib/emulator';
import { approveAtProvider, startSocialProvider, type SocialProvider } from '../lib/social-provider';
import type { BenchContext, BenchResponse, WarmScenario } from './types';
import { signUpAndLogIn, type Account } from './scenarios';

/**
 * The connected-accounts routes (issue 11), in-process against the bench's emulator and a
 * stand-in provider this file starts on a free port. Besides the AWS calls the bench counts,
 * every scenario states its provider calls per request in its name, and its setup checks that
 * number by counting the requests that reach the stand-in (a wrong claim fails the scenario).
 */

let provider: Promise<SocialProvider> | undefined;
let providerCalls = 0;

/** Starts the stand-in once, points the stage's provider list and client secret at it, counts its requests. */
function standIn(ctx: BenchContext): Promise<SocialProvider> {
  provider ??= (async () => {
    const port = await freePort();
    const started = await startSocialProvider({ port, redirectUris: [`${ctx.env.CONNECTIONS_PUBLIC_URL}/v1/connections/callback`], accessTokenTtlSeconds: 3600 });
    process.on('exit', () => started.process.kill('SIGKILL'));
    // The connections handlers read CONNECTION_PROVIDERS when first loaded, which is after this.
    process.env.SOCIAL_PROVIDER_PORT = String(port);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const providers = require('../../sls/connection-providers.js') as (o: { resolveVariable: (v: string) => Promise<string> }) => Promise<{ json: string }>;
    process.env.CONNECTION_PROVIDERS = (await providers({ resolveVariable: async () => 'local' })).json;
    const secrets = new SecretsManagerClient({ endpoint: ctx.emulatorEndpoint, region: EMULATOR_REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    await secrets.send(new PutSecretValueCommand({ SecretId: ctx.env.CONNECTION_CLIENT_SECRETS_ID, SecretString: JSON.stringify({ demo: started.clientSecret }) }));
    secrets.destroy();
    const original = globalThis.fetch;
    const host = new URL(started.issuer).host;
    globalThis.fetch = (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      if (new URL(url).host === host) providerCalls += 1;
      return original(input, init);
    };
    return started;
  })();
  return provider;
}

async function connect(ctx: BenchContext, account: Account): Promise<string> {
  const begun = await ctx.send({ method: 'POST', path: '/v1/connections', headers: bearer(account.token), body: { provider: 'demo' } });
  if (begun.status !== 201) throw new Error(`POST /v1/connections answered ${begun.status}`);
  const start = new URL(begun.json.connectUrl);
  // The binding cookie comes with POST /v1/connections; the link works only where it is.
  const cookie = begun.headers['set-cookie']?.split(';')[0];
  const started = await ctx.send({ method: 'GET', path: `${start.pathname}${start.search}`, headers: { Cookie: cookie ?? '' } });
  const callback = await approveAtProvider(started.headers.location);
  const done = await ctx.send({ method: 'GET', path: `${callback.pathname}${callback.search}`, headers: { Cookie: cookie ?? '' } });
  const id = new URL(done.headers.location).searchParams.get('connection');
  if (!id) throw new Error(`the connect flow ended on ${done.headers.location}`);
  return id;
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const CONNECT = ['POST /v1/signup', 'POST /v1/signup/verify', 'POST /v1/sessions', 'POST /v1/connections', 'GET /v1/connections/start', 'GET /v1/connections/callback'];

/** Counts the stand-in requests of one call of `send`, and refuses a scenario whose stated count is wrong. */
async function checkProviderCalls(stated: number, send: () => Promise<BenchResponse>, expect: number[]): Promise<void> {
  const before = providerCalls;
  const res = await send();
  if (!expect.includes(res.status)) throw new Error(`calibration request answered ${res.status}`);
  if (providerCalls - before !== stated) throw new Error(`made ${providerCalls - before} provider calls, the scenario states ${stated}`);
}

interface Connected {
  account: Account;
  id: string;
}

async function connectedAccount(ctx: BenchContext): Promise<Connected> {
  await standIn(ctx);
  const account = await signUpAndLogIn(ctx);
  return { account, id: await connect(ctx, account) };
}

export const CONNECTION_SCENARIOS: WarmScenario<any>[] = [ // eslint-disable-line @typescript-eslint/no-explicit-any
  {
    name: 'connection providers (provider calls 0)',
    method: 'GET',
    path: '/v1/connections/providers',
    requires: CONNECT,
    setup: connectedAccount,
    request: (_ctx, s: Connected) => ({ method: 'GET', path: '/v1/connections/providers', headers: bearer(s.account.token) }),
    expect: [200],
    awsCalls: { max: 1 },
  },
  {
    name: 'list connections (provider calls 0)',
    method: 'GET',
    path: '/v1/connections',
    requires: CONNECT,
    setup: connectedAccount,
    request: (_ctx, s: Connected) => ({ method: 'GET', path: '/v1/connections', headers: bearer(s.account.token) }),
    expect: [200],
    awsCalls: { max: 2 },
  },
  {
    name: 'begin connect (provider calls 0)',
    method: 'POST',
    path: '/v1/connections',
    requires: CONNECT,
    setup: connectedAccount,
    request: (_ctx, s: Connected) => ({ method: 'POST', path: '/v1/connections', headers: bearer(s.account.token), body: { provider: 'demo' } }),
    expect: [201],
    awsCalls: { max: 2 },
  },
  {
    name: 'read posts through a connection (provider calls 1)',
    method: 'GET',
    path: '/v1/connections/{id}/posts',
    requires: CONNECT,
    setup: async (ctx) => {
      const s = await connectedAccount(ctx);
      await checkProviderCalls(1, () => ctx.send({ method: 'GET', path: `/v1/connections/${s.id}/posts`, headers: bearer(s.account.token) }), [200]);
      return s;
    },
    request: (_ctx, s: Connected) => ({ method: 'GET', path: `/v1/connections/${s.id}/posts`, headers: bearer(s.account.token) }),
    expect: [200],
    awsCalls: { max: 3 },
  },
  {
    name: 'publish a post through a connection (provider calls 1)',
    method: 'POST',
    path: '/v1/connections/{id}/posts',
    requires: CONNECT,
    setup: async (ctx) => {
      const s = await connectedAccount(ctx);
      await checkProviderCalls(1, () => ctx.send({ method: 'POST', path: `/v1/connections/${s.id}/posts`, headers: bearer(s.account.token), body: { text: 'bench calibration' } }), [201]);
      return s;
    },
    request: (_ctx, s: Connected, i: number) => ({ method: 'POST', path: `/v1/connections/${s.id}/posts`, headers: bearer(s.account.token), body: { text: `bench post ${i}` } }),
    expect: [201],
    awsCalls: { max: 3 },
  },
  {
    name: 'disconnect, revoked at the provider (provider calls 2)',
    method: 'DELETE',
    path: '/v1/connections/{id}',
    requires: CONNECT,
    maxIterations: 40,
    setup: async (ctx) => {
      const s = await connectedAccount(ctx);
      await checkProviderCalls(2, () => ctx.send({ method: 'DELETE', path: `/v1/connections/${s.id}`, headers: bearer(s.account.token) }), [204]);
      return s.account;
    },
    // A fresh connection per iteration, made before the timed call.
    request: async (ctx, account: Account) => ({ method: 'DELETE', path: `/v1/connections/${await connect(ctx, account)}`, headers: bearer(account.token) }),
    expect: [204],
    awsCalls: { max: 7 },
  },
];
