import { requireEnv } from '../platform/config';
import { secrets } from '../platform/secrets';
import { argon2PasswordHasher, parsePepperSecret, type PasswordHasher } from './password-hasher';

/**
 * The argon2id hasher with the stage's pepper (PASSWORD_PEPPER_SECRET_ID, read through the
 * bounded secret cache, so a rotated pepper is picked up within minutes). Only the functions that
 * hash import this module, so only their bundles carry the native binding.
 */
const pepperSecretId = requireEnv('PASSWORD_PEPPER_SECRET_ID');
let hasher: PasswordHasher | undefined;

export function argon2Hasher(): PasswordHasher {
  hasher ??= argon2PasswordHasher(async () => parsePepperSecret(await secrets.getJson(pepperSecretId)));
  return hasher;
}
