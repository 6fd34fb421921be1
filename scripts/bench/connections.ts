import { signUpAndLogIn, type Account } from './scenarios';
import type { WarmScenario } from './types';

/**
 * Connections (issue 11, /work/shared/API.md): the routes a signed-in customer calls without a
 * provider round trip. Reported "not built" until their functions merge. Targets: the bearer
 * token read (1), plus the connection state written (POST) or listed (GET). The routes that talk
 * to the provider (callback, posts, delete) need the stand-in provider's flow and are listed with
 * their targets in docs/performance.md until a scenario drives that flow.
 */
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const NEEDS = ['POST /v1/signup', 'POST /v1/signup/verify', 'POST /v1/sessions'];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const WARM_SCENARIOS: WarmScenario<any>[] = [
  {
    name: 'connection providers',
    method: 'GET',
    path: '/v1/connections/providers',
    requires: NEEDS,
    setup: (ctx) => signUpAndLogIn(ctx),
    request: (_ctx, account: Account) => ({ method: 'GET', path: '/v1/connections/providers', headers: bearer(account.token) }),
    expect: [200],
    awsCalls: { max: 1 },
  },
  {
    name: 'list connections',
    method: 'GET',
    path: '/v1/connections',
    requires: NEEDS,
    setup: (ctx) => signUpAndLogIn(ctx),
    request: (_ctx, account: Account) => ({ method: 'GET', path: '/v1/connections', headers: bearer(account.token) }),
    expect: [200],
    awsCalls: { max: 2 },
  },
  {
    name: 'start a connection',
    method: 'POST',
    path: '/v1/connections',
    requires: [...NEEDS, 'GET /v1/connections/providers'],
    setup: async (ctx) => {
      const account = await signUpAndLogIn(ctx);
      const providers = await ctx.send({ method: 'GET', path: '/v1/connections/providers', headers: bearer(account.token) });
      return { account, provider: providers.json?.providers?.[0]?.id as string };
    },
    request: (_ctx, state: { account: Account; provider: string }) => ({ method: 'POST', path: '/v1/connections', headers: bearer(state.account.token), body: { provider: state.provider } }),
    expect: [201],
    awsCalls: { max: 2 },
  },
];
