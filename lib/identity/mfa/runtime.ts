import { optionalEnv, requireEnv } from '../../platform/config';
import type { Mailer } from '../../platform/mailer';
import { nowEpochMillis } from '../../platform/time';
import { dynamoIdentityStore } from '../dynamo-identity-store';
import { dynamoLoginThrottle } from '../dynamo-login-throttle';
import type { PasswordHasher } from '../password-hasher';
import { env, NO_MAIL } from '../runtime';
import { dynamoMfaStore } from './dynamo-mfa-store';
import type { SecretVault } from './secret-vault';
import { mfaService, type MfaService } from './service';
import { sessionConfirmation } from './session-confirm';

/**
 * Wires the second-factor flows to DynamoDB, once per execution environment and wiring. The vault
 * (KMS: `mfaVault()` from ./vault-runtime) and the mailer (SES: `identityMailer()` from
 * ../mail-runtime) are passed only by the functions whose role allows them; a function that
 * reads the factors' state (status, security events) loads neither client.
 */
const websiteUrl = optionalEnv('WEBSITE_URL', 'https://helpshelf.com');

/** The vault of a function that never seals or opens a secret: a call is a wiring mistake, and fails loudly. */
const NO_VAULT: SecretVault = {
  seal: () => Promise.reject(new Error('This function does not seal authenticator secrets')),
  open: () => Promise.reject(new Error('This function does not open authenticator secrets')),
};

const built: Array<{ vault: SecretVault; mailer: Mailer; service: MfaService }> = [];
const store = () => dynamoMfaStore({ accounts: env.accountsTable, tokens: env.tokensTable });

export function mfa(wiring: { vault?: SecretVault; mailer?: Mailer } = {}): MfaService {
  const vault = wiring.vault ?? NO_VAULT;
  const mailer = wiring.mailer ?? NO_MAIL;
  let entry = built.find((b) => b.vault === vault && b.mailer === mailer);
  if (!entry) {
    entry = { vault, mailer, service: mfaService({ store: store(), vault, mailer, now: nowEpochMillis, websiteUrl }) };
    built.push(entry);
  }
  return entry.service;
}

/** Session confirmation: `factors` is `mfa()` wired with the vault and the mailer (its role allows both). */
export function sessionConfirmations(hasher: PasswordHasher, factors: MfaService) {
  return sessionConfirmation({
    identity: dynamoIdentityStore({ accounts: env.accountsTable, tokens: env.tokensTable }),
    throttle: dynamoLoginThrottle(requireEnv('RATE_LIMITS_TABLE')),
    hasher,
    mfa: factors,
    store: store(),
    now: nowEpochMillis,
  });
}
