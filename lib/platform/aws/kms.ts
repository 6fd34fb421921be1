import { DecryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { clientConfig } from './client-config';

export const kmsClient = new KMSClient(clientConfig());

/**
 * Envelope encryption's KMS side, for every capability that seals data under a key of the stage
 * (connection tokens, TOTP secrets): a data key made under `keyId` with the caller's encryption
 * context, and its decryption pinned to the same key and context.
 */
export function kmsEnvelopeKeys<C extends Record<string, string>>(keyId: string) {
  return {
    async generateDataKey(context: C): Promise<{ plaintext: Uint8Array; ciphertext: Uint8Array }> {
      const out = await kmsClient.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: context }));
      return { plaintext: out.Plaintext!, ciphertext: out.CiphertextBlob! };
    },
    async decryptDataKey(ciphertext: Uint8Array, context: C): Promise<Uint8Array> {
      // KeyId pins the key: a ciphertext made under any other key is refused, not decrypted.
      const out = await kmsClient.send(new DecryptCommand({ CiphertextBlob: ciphertext, EncryptionContext: context, KeyId: keyId }));
      return out.Plaintext!;
    },
  };
}
