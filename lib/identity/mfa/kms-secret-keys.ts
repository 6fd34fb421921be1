import { kmsEnvelopeKeys } from '../../platform/aws/kms';
import type { SecretContext, SecretKeyService } from './secret-vault';

/** KMS adapter: data keys under the stage's key, always with the enrolment's encryption context. */
export function kmsSecretKeys(keyId: string): SecretKeyService {
  return kmsEnvelopeKeys<SecretContext>(keyId);
}
