import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { EncryptionContext, ProviderTokens, SealedTokens } from './model';

/**
 * Envelope encryption of a connection's provider tokens: one KMS data key per connection
 * (GenerateDataKey under the encryption context {user, connection, provider}), AES-256-GCM with
 * that same context as additional authenticated data. A ciphertext copied to another row does
 * not decrypt: KMS refuses the data key under the other row's context, and GCM the data.
 */
export interface DataKeyService {
  generateDataKey(context: EncryptionContext): Promise<{ plaintext: Uint8Array; ciphertext: Uint8Array }>;
  decryptDataKey(ciphertext: Uint8Array, context: EncryptionContext): Promise<Uint8Array>;
}

export class TokensUnreadableError extends Error {
  constructor(options?: { cause?: unknown }) {
    super('the sealed provider tokens cannot be opened under this context', options);
    this.name = 'TokensUnreadableError';
  }
}

/** Sorted keys, so the same context always gives the same authenticated data. */
function aad(context: EncryptionContext): Buffer {
  return Buffer.from(JSON.stringify(Object.keys(context).sort().map((k) => [k, context[k]])));
}

export interface OpenedTokens {
  tokens: ProviderTokens;
  /** Kept in memory only, to re-seal rotated tokens under the connection's own data key. */
  dataKey: Uint8Array;
}

export function tokenVault(keys: DataKeyService) {
  function sealWith(dataKey: Uint8Array, encryptedDataKey: string, context: EncryptionContext, tokens: ProviderTokens): SealedTokens {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', dataKey, iv);
    cipher.setAAD(aad(context));
    const ciphertext = Buffer.concat([cipher.update(JSON.stringify(tokens)), cipher.final()]);
    return { dataKey: encryptedDataKey, iv: iv.toString('base64'), ciphertext: ciphertext.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
  }

  return {
    /** A new data key for a new connection. */
    async seal(context: EncryptionContext, tokens: ProviderTokens): Promise<SealedTokens> {
      const key = await keys.generateDataKey(context);
      try {
        return sealWith(key.plaintext, Buffer.from(key.ciphertext).toString('base64'), context, tokens);
      } finally {
        Buffer.from(key.plaintext.buffer, key.plaintext.byteOffset, key.plaintext.byteLength).fill(0);
      }
    },

    /** Re-seals rotated tokens under the data key already opened (no second KMS call). */
    reseal(opened: OpenedTokens, sealed: SealedTokens, context: EncryptionContext, tokens: ProviderTokens): SealedTokens {
      return sealWith(opened.dataKey, sealed.dataKey, context, tokens);
    },

    async open(sealed: SealedTokens, context: EncryptionContext): Promise<OpenedTokens> {
      let dataKey: Uint8Array;
      try {
        dataKey = await keys.decryptDataKey(Buffer.from(sealed.dataKey, 'base64'), context);
      } catch (error) {
        if ((error as { name?: string }).name === 'InvalidCiphertextException') throw new TokensUnreadableError({ cause: error });
        throw error;
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', dataKey, Buffer.from(sealed.iv, 'base64'));
        decipher.setAAD(aad(context));
        decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
        const plain = Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64')), decipher.final()]).toString('utf8');
        return { tokens: JSON.parse(plain) as ProviderTokens, dataKey };
      } catch (error) {
        throw new TokensUnreadableError({ cause: error });
      }
    },
  };
}

export type TokenVault = ReturnType<typeof tokenVault>;
