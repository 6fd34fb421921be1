import { requireEnv } from '../../platform/config';
import { kmsSecretKeys } from './kms-secret-keys';
import { secretVault, type SecretVault } from './secret-vault';

/**
 * The authenticator-app secrets' vault: KMS data keys under the stage's key (MFA_SECRETS_KEY_ID).
 * Only the functions whose role allows KMS (enrol, confirm, login, session confirmation) import
 * this module and pass the vault to `mfa()`; the others leave the KMS client out of their bundle.
 */
let vault: SecretVault | undefined;

export function mfaVault(): SecretVault {
  vault ??= secretVault(kmsSecretKeys(requireEnv('MFA_SECRETS_KEY_ID')));
  return vault;
}
