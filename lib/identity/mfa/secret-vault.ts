import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SealedSecret } from './model';

/**
 * Envelope encryption of an authenticator-app secret, as connection tokens are sealed
 * (lib/connections/token-vault.ts): one KMS data key per enrolment under the stage's key, with the
 * encryption context {purpose, user, enrolment} both at KMS and as AES-256-GCM's authenticated
 * data, so a sealed secret copied to another account's item does not open.
 */
export type SecretContext = Record<'purpose' | 'user' | 'enrolment', string>;

export interface SecretKeyService {
  generateDataKey(context: SecretContext): Promise<{ plaintext: Uint8Array; ciphertext: Uint8Array }>;
  decryptDataKey(ciphertext: Uint8Array, context: SecretContext): Promise<Uint8Array>;
}

export function totpContext(userId: string, enrolmentId: string): SecretContext {
  return { purpose: 'totp', user: userId, enrolment: enrolmentId };
}

function aad(context: SecretContext): Buffer {
  return Buffer.from(JSON.stringify(Object.keys(context).sort().map((k) => [k, context[k as keyof SecretContext]])));
}

function wipe(key: Uint8Array): void {
  Buffer.from(key.buffer, key.byteOffset, key.byteLength).fill(0);
}

export function secretVault(keys: SecretKeyService) {
  return {
    async seal(context: SecretContext, secret: string): Promise<SealedSecret> {
      const key = await keys.generateDataKey(context);
      try {
        const iv = randomBytes(12);
        const cipher = createCipheriv('aes-256-gcm', key.plaintext, iv);
        cipher.setAAD(aad(context));
        const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
        return { dataKey: Buffer.from(key.ciphertext).toString('base64'), iv: iv.toString('base64'), ciphertext: ciphertext.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
      } finally {
        wipe(key.plaintext);
      }
    },

    async open(sealed: SealedSecret, context: SecretContext): Promise<string> {
      const dataKey = await keys.decryptDataKey(Buffer.from(sealed.dataKey, 'base64'), context);
      try {
        const decipher = createDecipheriv('aes-256-gcm', dataKey, Buffer.from(sealed.iv, 'base64'));
        decipher.setAAD(aad(context));
        decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
        return Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64')), decipher.final()]).toString('utf8');
      } finally {
        wipe(dataKey);
      }
    },
  };
}

export type SecretVault = ReturnType<typeof secretVault>;
