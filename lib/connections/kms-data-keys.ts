import { DecryptCommand, GenerateDataKeyCommand } from '@aws-sdk/client-kms';
import { kmsClient } from '../platform/aws/kms';
import type { DataKeyService } from './token-vault';

/** KMS adapter: data keys under the connections key, always with the row's encryption context. */
export function kmsDataKeys(keyId: string): DataKeyService {
  return {
    async generateDataKey(context) {
      const out = await kmsClient.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: context }));
      return { plaintext: out.Plaintext!, ciphertext: out.CiphertextBlob! };
    },
    async decryptDataKey(ciphertext, context) {
      // KeyId pins the key: a ciphertext made under any other key is refused, not decrypted.
      const out = await kmsClient.send(new DecryptCommand({ CiphertextBlob: ciphertext, EncryptionContext: context, KeyId: keyId }));
      return out.Plaintext!;
    },
  };
}
