import { DecryptCommand, GenerateDataKeyCommand } from '@aws-sdk/client-kms';
import { kmsClient } from '../../platform/aws/kms';
import type { SecretKeyService } from './secret-vault';

/** KMS adapter: data keys under the stage's key, always with the enrolment's encryption context. */
export function kmsSecretKeys(keyId: string): SecretKeyService {
  return {
    async generateDataKey(context) {
      const out = await kmsClient.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: context }));
      return { plaintext: out.Plaintext!, ciphertext: out.CiphertextBlob! };
    },
    async decryptDataKey(ciphertext, context) {
      // KeyId pins the key: a ciphertext made under any other key is refused.
      const out = await kmsClient.send(new DecryptCommand({ CiphertextBlob: ciphertext, EncryptionContext: context, KeyId: keyId }));
      return out.Plaintext!;
    },
  };
}
