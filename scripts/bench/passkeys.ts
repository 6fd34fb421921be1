import { SoftAuthenticator } from '../lib/soft-authenticator';
import { signUpAndLogIn, type Account } from './scenarios';
import type { BenchContext, WarmScenario } from './types';
import { bearer, IDENTITY } from './requests';

/**
 * Passkey sign-in against password sign-in (issue 23's closing note): a passkey sign-in is two
 * requests, the options (a fresh single-use challenge) and the assertion, which a software
 * authenticator (scripts/lib/soft-authenticator.ts: Node crypto, ES256 over authenticatorData and
 * the SHA-256 of clientDataJSON, no browser) signs for each iteration. The `login` row is the
 * password sign-in it is compared with. Every request of these rows must succeed: one refused
 * assertion makes the row a failure, not a number.
 */


interface PasskeyAccount {
  account: Account;
  authenticator: SoftAuthenticator;
}

/** A verified account with one passkey, registered through the real routes (a fresh login is a recent sign-in). */
async function accountWithPasskey(ctx: BenchContext): Promise<PasskeyAccount> {
  const account = await signUpAndLogIn(ctx);
  const origin = ctx.env.PASSKEY_ORIGIN;
  if (!origin) throw new Error('PASSKEY_ORIGIN is not set on the stage');
  const authenticator = new SoftAuthenticator(origin);
  const options = await ctx.send({ method: 'POST', path: '/v1/passkeys/registration-options', headers: bearer(account.token) });
  if (options.status !== 200) throw new Error(`registration options answered ${options.status}`);
  const registered = await ctx.send({ method: 'POST', path: '/v1/passkeys', headers: bearer(account.token), body: { name: 'Bench', response: authenticator.create(options.json) } });
  if (registered.status !== 201) throw new Error(`passkey registration answered ${registered.status}`);
  return { account, authenticator };
}

export const PASSKEY_SCENARIOS: WarmScenario<any>[] = [ // eslint-disable-line @typescript-eslint/no-explicit-any
  {
    name: 'passkey sign-in options',
    method: 'POST',
    path: '/v1/sessions/passkey-options',
    requires: [],
    request: () => ({ method: 'POST', path: '/v1/sessions/passkey-options' }),
    expect: [200],
    everyRequestMustSucceed: true,
    awsCalls: { max: 1 }, // the challenge item
  },
  {
    name: 'passkey sign-in',
    method: 'POST',
    path: '/v1/sessions/passkey',
    requires: [...IDENTITY, 'POST /v1/passkeys/registration-options', 'POST /v1/passkeys', 'POST /v1/sessions/passkey-options'],
    setup: (ctx) => accountWithPasskey(ctx),
    // Each iteration: a fresh challenge (untimed, its own row above), signed by the authenticator.
    request: async (ctx, state: PasskeyAccount) => {
      const options = await ctx.send({ method: 'POST', path: '/v1/sessions/passkey-options' });
      if (options.status !== 200) throw new Error(`passkey options answered ${options.status}`);
      return { method: 'POST', path: '/v1/sessions/passkey', body: { challengeId: options.json.challengeId, response: state.authenticator.get(options.json.options) }, sourceIp: ctx.nextIp() };
    },
    expect: [201],
    everyRequestMustSucceed: true,
    // The challenge taken, the passkey read, its counter moved, the user read, the session issued (a read and a transaction).
    awsCalls: { max: 6 },
  },
];
