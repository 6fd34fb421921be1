import type { WarmScenario } from './types';
import { signUpAndLogIn, type Account } from './scenarios';
import { bearer, IDENTITY } from './requests';

/**
 * A customer's data rights (issue 25, docs/data-rights.md), in-process against the bench's
 * emulator: the export of a signed-in account, and the deletion of one (a fresh account per
 * iteration: it is gone afterwards). The accounts have a session and nothing else, so the rows
 * measure the fixed cost every export and deletion pays (each capability's part asked, the close
 * transaction, the ledger entry, the owner's mail); a connection or a Stripe customer adds its
 * provider's calls, which the integration tests cover.
 */


export const DATA_RIGHTS_SCENARIOS: WarmScenario<any>[] = [ // eslint-disable-line @typescript-eslint/no-explicit-any
  {
    name: 'export my data',
    method: 'GET',
    path: '/v1/me/export',
    requires: IDENTITY,
    setup: (ctx) => signUpAndLogIn(ctx),
    request: (_ctx, account: Account) => ({ method: 'GET', path: '/v1/me/export', headers: bearer(account.token) }),
    expect: [200],
    awsCalls: { max: 8 },
  },
  {
    name: 'delete my account',
    method: 'DELETE',
    path: '/v1/me',
    requires: IDENTITY,
    // Each iteration deletes its own account, made (untimed) when its request is built.
    request: async (ctx) => {
      const account = await signUpAndLogIn(ctx);
      return { method: 'DELETE', path: '/v1/me', headers: bearer(account.token), body: { password: account.password } };
    },
    expect: [202],
    maxIterations: 20,
    argon2Ops: 1,
    awsCalls: { max: 24, plusEmail: true },
  },
];
