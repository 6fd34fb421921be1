import { requireEnv } from '../platform/config';
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
