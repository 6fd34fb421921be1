// The social providers of each stage, as the JSON that CONNECTION_PROVIDERS carries (parsed and
// checked again at cold start by lib/connections/providers.ts). The local stage offers the
// stand-in provider (scripts/social-provider) on SOCIAL_PROVIDER_PORT. Deployed stages read
// their list from HELPSHELF_CONNECTION_PROVIDERS (JSON, same shape) at deploy time; client
// secrets go to Secrets Manager, never here. Outside `local`, a non-https endpoint stops the
// deploy here, before anything is created.
const ENDPOINTS = ['issuer', 'authorizationEndpoint', 'tokenEndpoint', 'revocationEndpoint', 'apiBaseUrl'];

function localProviders() {
  const base = `http://127.0.0.1:${process.env.SOCIAL_PROVIDER_PORT || 4610}`;
  return [
    {
      id: 'demo',
      name: 'Demo (local stand-in provider)',
      issuer: base,
      authorizationEndpoint: `${base}/auth`,
      tokenEndpoint: `${base}/token`,
      revocationEndpoint: `${base}/token/revocation`,
      apiBaseUrl: `${base}/api`,
      clientId: 'helpshelf-local',
      clientAuth: 'client_secret_basic',
      scopes: ['posts.read', 'posts.write'],
      extraScopes: ['offline_access'],
      issParameterSupported: true,
    },
  ];
}

function deployedProviders(stage) {
  const raw = process.env.HELPSHELF_CONNECTION_PROVIDERS;
  if (!raw) return [];
  const list = JSON.parse(raw);
  for (const p of list) {
    for (const field of ENDPOINTS) {
      if (typeof p[field] !== 'string' || !p[field].startsWith('https://')) {
        throw new Error(`Connection provider ${p.id}: ${field} must be an https: URL on stage ${stage}`);
      }
    }
  }
  return list;
}

module.exports = async ({ resolveVariable }) => {
  const stage = await resolveVariable('sls:stage');
  return { json: JSON.stringify(stage === 'local' ? localProviders() : deployedProviders(stage)) };
};
