// The local stand-in social provider (test infrastructure, never bundled): a real OAuth 2.0
// authorization server (oidc-provider 9, panva) with PKCE required, refresh-token rotation,
// RFC 7009 revocation and introspection, auto-approving its single account `demo-account`, plus a
// small posts API and the local-only test hooks. oidc-provider is ESM-only, so the stage and the
// test setups run this file as a child process (scripts/lib/social-provider.ts).
//
// Configuration (environment):
//   SOCIAL_PROVIDER_PORT            port on 127.0.0.1 (default 4610)
//   SOCIAL_CLIENT_ID / SOCIAL_CLIENT_SECRET   the one client (HelpShelf's backend)
//   SOCIAL_REDIRECT_URIS            comma-separated exact redirect URIs of that client
//   SOCIAL_ACCESS_TOKEN_TTL_SECONDS access token lifetime (default 300)
import http from 'node:http';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import Provider from 'oidc-provider';

const port = Number(process.env.SOCIAL_PROVIDER_PORT ?? 4610);
const issuer = `http://127.0.0.1:${port}`;
const accessTtl = Number(process.env.SOCIAL_ACCESS_TOKEN_TTL_SECONDS ?? 300);
const clientId = process.env.SOCIAL_CLIENT_ID ?? 'helpshelf-local';
const clientSecret = process.env.SOCIAL_CLIENT_SECRET;
const redirectUris = (process.env.SOCIAL_REDIRECT_URIS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
if (!clientSecret || redirectUris.length === 0) {
  console.error('social provider: SOCIAL_CLIENT_SECRET and SOCIAL_REDIRECT_URIS are required');
  process.exit(2);
}

const ACCOUNT = { id: 'demo-account', name: 'Demo Account' };

// ------------------------------------------------------------------ storage (an in-memory adapter)
// Every model lives in one map; a grant index lets revocation end all of a grant's tokens, and
// `issued` remembers every access and refresh token ever issued for GET /_local/tokens.
const store = new Map();
const grantIndex = new Map();
const issued = [];
const nowSeconds = () => Math.floor(Date.now() / 1000);

class Adapter {
  constructor(name) {
    this.name = name;
  }
  key(id) {
    return `${this.name}:${id}`;
  }
  async upsert(id, payload, expiresIn) {
    const key = this.key(id);
    if (!store.has(key) && (this.name === 'AccessToken' || this.name === 'RefreshToken')) {
      issued.push({ value: id, kind: this.name === 'AccessToken' ? 'access' : 'refresh', model: this.name });
    }
    const expiresAt = expiresIn ? Date.now() + expiresIn * 1000 : undefined;
    store.set(key, { payload, expiresAt });
    if (payload.grantId) {
      const keys = grantIndex.get(payload.grantId) ?? new Set();
      keys.add(key);
      grantIndex.set(payload.grantId, keys);
    }
  }
  async find(id) {
    const entry = store.get(this.key(id));
    if (!entry) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      store.delete(this.key(id));
      return undefined;
    }
    return entry.payload;
  }
  async findByUserCode() {
    return undefined;
  }
  async findByUid(uid) {
    for (const [key, entry] of store) if (key.startsWith(`${this.name}:`) && entry.payload.uid === uid) return entry.payload;
    return undefined;
  }
  async consume(id) {
    const entry = store.get(this.key(id));
    if (entry) entry.payload.consumed = nowSeconds();
  }
  async destroy(id) {
    store.delete(this.key(id));
  }
  async revokeByGrantId(grantId) {
    for (const key of grantIndex.get(grantId) ?? []) store.delete(key);
    grantIndex.delete(grantId);
  }
}

function isActive(token) {
  const entry = store.get(`${token.model}:${token.value}`);
  if (!entry) return false;
  if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) return false;
  return !entry.payload.consumed;
}

// ------------------------------------------------------------------ the authorization server
// Signing keys of its own, generated at every start and kept in memory only (nothing persists:
// tokens die with the process anyway): RS256, what clients get by default, and ES256. Without
// them oidc-provider falls back to its published development keys and warns on every start.
function signingKey(type, options, alg) {
  const { privateKey } = generateKeyPairSync(type, options);
  return { ...privateKey.export({ format: 'jwk' }), alg, use: 'sig', kid: `${alg.toLowerCase()}-${randomBytes(6).toString('hex')}` };
}
const jwks = { keys: [signingKey('rsa', { modulusLength: 2048 }, 'RS256'), signingKey('ec', { namedCurve: 'P-256' }, 'ES256')] };

const provider = new Provider(issuer, {
  adapter: Adapter,
  jwks,
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: redirectUris,
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  scopes: ['offline_access', 'posts.read', 'posts.write'],
  claims: { openid: ['sub'] },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  features: {
    devInteractions: { enabled: false },
    revocation: { enabled: true },
    introspection: { enabled: true },
  },
  pkce: { required: () => true },
  rotateRefreshToken: true,
  issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
  ttl: {
    AccessToken: accessTtl,
    AuthorizationCode: 60,
    RefreshToken: 14 * 24 * 3600,
    Grant: 14 * 24 * 3600,
    Interaction: 600,
    Session: 3600,
  },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  findAccount: async (_ctx, sub) => (sub === ACCOUNT.id ? { accountId: sub, claims: async () => ({ sub }) } : undefined),
  // Only the grant the consent step just made: every authorization gets a grant of its own, so
  // revoking one connection's grant (reconnect, disconnect) never ends another's.
  loadExistingGrant: async (ctx) => {
    const grantId = ctx.oidc.result?.consent?.grantId;
    return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
  },
});
provider.on('server_error', (_ctx, error) => console.error('social provider server_error', error?.message));

/** Approves at once: the login prompt with the single account, then every requested scope. */
async function autoApprove(req, res) {
  const details = await provider.interactionDetails(req, res);
  if (details.prompt.name === 'login') {
    await provider.interactionFinished(req, res, { login: { accountId: ACCOUNT.id } }, { mergeWithLastSubmission: false });
    return;
  }
  const grant = new provider.Grant({ accountId: ACCOUNT.id, clientId: details.params.client_id });
  const scope = String(details.params.scope ?? '');
  if (scope) grant.addOIDCScope(scope);
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

// ------------------------------------------------------------------ posts API and local hooks
const posts = [];
// Test hooks can make the API misbehave: {"api": "500"|"hang"|"garbage"|"busy"|null, "revocation": "500"|null}
let faults = { api: null, revocation: null };

function send(res, status, body, headers = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': typeof body === 'string' ? 'text/plain' : 'application/json', ...headers });
  res.end(text);
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > 64 * 1024) req.destroy(new Error('body too large'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

async function bearer(req, res, scope) {
  const match = /^Bearer ([^\s]+)$/.exec(req.headers.authorization ?? '');
  const token = match ? await provider.AccessToken.find(match[1]) : undefined;
  if (!token || token.isExpired) {
    send(res, 401, { error: 'invalid_token' }, { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
    return undefined;
  }
  if (scope && !String(token.scope ?? '').split(' ').includes(scope)) {
    send(res, 403, { error: 'insufficient_scope' }, { 'WWW-Authenticate': `Bearer error="insufficient_scope", scope="${scope}"` });
    return undefined;
  }
  return token;
}

async function api(req, res, url) {
  if (faults.api === 'hang') return; // never answers: the caller's timeout must end it
  if (faults.api === '500') return send(res, 500, { error: 'server_error' });
  if (faults.api === 'busy') return send(res, 503, { error: 'temporarily_unavailable' }, { 'Retry-After': '7' });
  if (faults.api === 'garbage') return send(res, 200, '<html>not json');
  if (url.pathname === '/api/me' && req.method === 'GET') {
    if (!(await bearer(req, res))) return;
    return send(res, 200, { id: ACCOUNT.id, name: ACCOUNT.name });
  }
  if (url.pathname === '/api/posts' && req.method === 'GET') {
    if (!(await bearer(req, res, 'posts.read'))) return;
    return send(res, 200, { posts: posts.slice(-50).reverse() });
  }
  if (url.pathname === '/api/posts' && req.method === 'POST') {
    if (!(await bearer(req, res, 'posts.write'))) return;
    let text;
    try {
      text = JSON.parse(await readBody(req)).text;
    } catch {
      return send(res, 400, { error: 'invalid_request' });
    }
    if (typeof text !== 'string' || text.length < 1 || [...text].length > 280) return send(res, 400, { error: 'invalid_text' });
    const post = { id: `post_${randomBytes(8).toString('hex')}`, text, createdAt: new Date().toISOString() };
    posts.push(post);
    return send(res, 201, { post });
  }
  return send(res, 404, { error: 'not_found' });
}

async function local(req, res, url) {
  if (url.pathname === '/_local/tokens' && req.method === 'GET') {
    return send(res, 200, { tokens: issued.map((t) => ({ value: t.value, kind: t.kind, active: isActive(t) })) });
  }
  if (url.pathname === '/_local/revoke-all' && req.method === 'POST') {
    // The account removes the app at the provider: every grant and token ends.
    for (const key of [...store.keys()]) {
      if (/^(AccessToken|RefreshToken|AuthorizationCode|Grant):/.test(key)) store.delete(key);
    }
    grantIndex.clear();
    return send(res, 204, '');
  }
  if (url.pathname === '/_local/faults' && req.method === 'POST') {
    try {
      faults = { api: null, revocation: null, ...JSON.parse((await readBody(req)) || '{}') };
    } catch {
      return send(res, 400, { error: 'invalid_request' });
    }
    return send(res, 200, faults);
  }
  return send(res, 404, { error: 'not_found' });
}

const oidc = provider.callback();
const server = http.createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', issuer);
  try {
    if (url.pathname.startsWith('/api/')) return await api(req, res, url);
    if (url.pathname.startsWith('/_local/')) return await local(req, res, url);
    if (url.pathname.startsWith('/interaction/')) return await autoApprove(req, res);
    if (url.pathname === '/token/revocation' && faults.revocation === '500') return send(res, 500, { error: 'server_error' });
    return oidc(req, res);
  } catch (error) {
    console.error('social provider error', error?.message);
    if (!res.headersSent) send(res, 500, { error: 'server_error' });
  }
});
server.listen(port, '127.0.0.1', () => {
  console.log(`social provider ready on ${issuer}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
process.on('SIGINT', () => server.close(() => process.exit(0)));
