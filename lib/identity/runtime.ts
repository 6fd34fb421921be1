import { requireEnv } from '../platform/config';
import type { Mailer } from '../platform/mailer';
import { nowEpochMillis } from '../platform/time';
import { dynamoIdentityStore } from './dynamo-identity-store';
import { tokenService, type TokenService } from './tokens';

/**
 * Wires the token half of identity (what `authenticate` needs) to DynamoDB, once per execution
 * environment. Kept apart from ./accounts-runtime so every function that only authenticates
 * stays small: no password policy, common-password list, mailer or argon2 in its bundle.
 */
export const env = {
  stage: requireEnv('STAGE'),
  accountsTable: requireEnv('ACCOUNTS_TABLE'),
  tokensTable: requireEnv('TOKENS_TABLE'),
};

let tokens: TokenService | undefined;

/** The token half only (what `authenticate` needs): no pepper, no mailer. */
export function identityTokens(): TokenService {
  tokens ??= tokenService({
    store: dynamoIdentityStore({ accounts: env.accountsTable, tokens: env.tokensTable }),
    stage: env.stage,
    now: nowEpochMillis,
  });
  return tokens;
}

/**
 * The mailer of a function that never mails (its role does not allow ses:SendEmail): a send is a
 * wiring mistake and fails loudly. The functions that mail pass `identityMailer()` from
 * ./mail-runtime, the only identity module that loads the SES client.
 */
export const NO_MAIL: Mailer = {
  send: () => Promise.reject(new Error('This function does not send mail')),
};
