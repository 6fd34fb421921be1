import { optionalEnv, requireEnv } from '../../platform/config';
import { sesMailer } from '../../platform/mailer';
import { nowEpochMillis } from '../../platform/time';
import { dynamoIdentityStore } from '../dynamo-identity-store';
import { dynamoLoginThrottle } from '../dynamo-login-throttle';
import type { PasswordHasher } from '../password-hasher';
import { env } from '../runtime';
import { dynamoMfaStore } from './dynamo-mfa-store';
import { kmsSecretKeys } from './kms-secret-keys';
import { secretVault } from './secret-vault';
import { mfaService, type MfaService } from './service';
import { sessionConfirmation } from './session-confirm';

/** Wires the second-factor flows to DynamoDB, KMS (the stage's data key) and SES, once per execution environment. */
const mfaEnv = {
  secretsKeyId: requireEnv('MFA_SECRETS_KEY_ID'),
  websiteUrl: optionalEnv('WEBSITE_URL', 'https://helpshelf.com'),
};

let built: MfaService | undefined;
const store = () => dynamoMfaStore({ accounts: env.accountsTable, tokens: env.tokensTable });

export function mfa(): MfaService {
  built ??= mfaService({ store: store(), vault: secretVault(kmsSecretKeys(mfaEnv.secretsKeyId)), mailer: sesMailer(), now: nowEpochMillis, websiteUrl: mfaEnv.websiteUrl });
  return built;
}

export function sessionConfirmations(hasher: PasswordHasher) {
  return sessionConfirmation({
    identity: dynamoIdentityStore({ accounts: env.accountsTable, tokens: env.tokensTable }),
    throttle: dynamoLoginThrottle(requireEnv('RATE_LIMITS_TABLE')),
    hasher,
    mfa: mfa(),
    store: store(),
    now: nowEpochMillis,
  });
}
