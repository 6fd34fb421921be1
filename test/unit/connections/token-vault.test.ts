import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { encryptionContextOf, type EncryptionContext, type SealedTokens } from '../../../lib/connections/model';
import { tokenVault, TokensUnreadableError, type DataKeyService } from '../../../lib/connections/token-vault';

/**
 * A stand-in for KMS's data keys, strict as KMS is: the encrypted data key is bound to the exact
 * encryption context, and another context gets InvalidCiphertextException. (The KMS adapter itself
 * is exercised against the emulator in the connections integration tests.)
 */
function strictKms() {
  const master = randomBytes(32);
  const calls = { generate: 0, decrypt: 0 };
  const issued: Uint8Array[] = [];
  const contextBytes = (c: EncryptionContext) => Buffer.from(JSON.stringify(Object.entries(c).sort()));
  const service: DataKeyService = {
    async generateDataKey(context) {
      calls.generate += 1;
      const plaintext = randomBytes(32);
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', master, iv).setAAD(contextBytes(context));
      const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      const handedOut = new Uint8Array(plaintext);
      issued.push(handedOut);
      return { plaintext: handedOut, ciphertext: Buffer.concat([iv, cipher.getAuthTag(), body]) };
    },
    async decryptDataKey(ciphertext, context) {
      calls.decrypt += 1;
      const blob = Buffer.from(ciphertext);
      try {
        const decipher = createDecipheriv('aes-256-gcm', master, blob.subarray(0, 12)).setAAD(contextBytes(context));
        decipher.setAuthTag(blob.subarray(12, 28));
        return Buffer.concat([decipher.update(blob.subarray(28)), decipher.final()]);
      } catch {
        throw Object.assign(new Error('InvalidCiphertextException'), { name: 'InvalidCiphertextException' });
      }
    },
  };
  return { service, calls, issued };
}

/** A KMS that ignores the context: shows that the data itself is bound to the context too (GCM's AAD). */
function laxKms(): DataKeyService {
  const key = randomBytes(32);
  return { generateDataKey: async () => ({ plaintext: new Uint8Array(key), ciphertext: Buffer.from('k') }), decryptDataKey: async () => new Uint8Array(key) };
}

const ctx = encryptionContextOf({ userId: 'usr_a', connectionId: 'con_1', provider: 'demo' });
const tokens = { accessToken: 'at-secret-value-1', refreshToken: 'rt-secret-value-1' };

describe('the token vault (envelope encryption of provider tokens)', () => {
  it('seals with a fresh data key and opens back to the same tokens', async () => {
    const kms = strictKms();
    const vault = tokenVault(kms.service);
    const sealed = await vault.seal(ctx, tokens);
    const opened = await vault.open(sealed, ctx);
    expect(opened.tokens).toEqual(tokens);
    expect(kms.calls).toEqual({ generate: 1, decrypt: 1 });
  });

  it('stores nothing of the tokens in the clear, with a 96-bit IV and a 128-bit tag', async () => {
    const sealed = await tokenVault(strictKms().service).seal(ctx, tokens);
    expect(JSON.stringify(sealed)).not.toMatch(/at-secret|rt-secret/);
    expect(Buffer.from(sealed.iv, 'base64')).toHaveLength(12);
    expect(Buffer.from(sealed.tag, 'base64')).toHaveLength(16);
    expect(Object.keys(sealed).sort()).toEqual(['ciphertext', 'dataKey', 'iv', 'tag']);
  });

  it('wipes the plaintext data key from memory once sealed', async () => {
    const kms = strictKms();
    await tokenVault(kms.service).seal(ctx, tokens);
    expect(Buffer.from(kms.issued[0]).equals(Buffer.alloc(32))).toBe(true);
  });

  it.each([
    ['another user', { ...ctx, user: 'usr_b' }],
    ['another connection', { ...ctx, connection: 'con_2' }],
    ['another provider', { ...ctx, provider: 'other' }],
  ])('refuses to open a ciphertext copied to %s (KMS refuses the data key)', async (_what, other) => {
    const vault = tokenVault(strictKms().service);
    const sealed = await vault.seal(ctx, tokens);
    const error = await vault.open(sealed, other).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokensUnreadableError);
    expect((error as Error).cause).toMatchObject({ name: 'InvalidCiphertextException' });
  });

  it.each([
    ['another user', { ...ctx, user: 'usr_b' }],
    ['another connection', { ...ctx, connection: 'con_2' }],
    ['another provider', { ...ctx, provider: 'other' }],
  ])('binds the data to the context as well: under %s even a lax key service cannot open it', async (_what, other) => {
    const vault = tokenVault(laxKms());
    const sealed = await vault.seal(ctx, tokens);
    await expect(vault.open(sealed, other)).rejects.toBeInstanceOf(TokensUnreadableError);
    await expect(vault.open(sealed, { provider: ctx.provider, connection: ctx.connection, user: ctx.user })).resolves.toMatchObject({ tokens });
  });

  it.each(['ciphertext', 'tag', 'iv'] as const)('refuses a sealed blob whose %s was changed', async (field) => {
    const vault = tokenVault(strictKms().service);
    const sealed = await vault.seal(ctx, tokens);
    const bytes = Buffer.from(sealed[field], 'base64');
    bytes[0] ^= 0x01;
    const changed: SealedTokens = { ...sealed, [field]: bytes.toString('base64') };
    const error = await vault.open(changed, ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokensUnreadableError);
    expect((error as Error).message).toBe('the sealed provider tokens cannot be opened under this context');
    expect((error as Error).name).toBe('TokensUnreadableError');
    expect((error as Error).cause).toMatchObject({ message: 'Unsupported state or unable to authenticate data' });
  });

  it('lets any other key-service failure through as it is (a throttled KMS is not a broken ciphertext)', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    const vault = tokenVault({ ...strictKms().service, decryptDataKey: async () => Promise.reject(throttled) });
    const sealed = await tokenVault(strictKms().service).seal(ctx, tokens);
    await expect(vault.open(sealed, ctx)).rejects.toBe(throttled);
  });

  it('re-seals rotated tokens under the same data key, with a new IV and no second KMS call', async () => {
    const kms = strictKms();
    const vault = tokenVault(kms.service);
    const sealed = await vault.seal(ctx, tokens);
    const opened = await vault.open(sealed, ctx);
    const rotated = { accessToken: 'at-secret-value-2', refreshToken: 'rt-secret-value-2' };
    const resealed = vault.reseal(opened, sealed, ctx, rotated);
    expect(resealed.dataKey).toBe(sealed.dataKey);
    expect(resealed.iv).not.toBe(sealed.iv);
    expect((await vault.open(resealed, ctx)).tokens).toEqual(rotated);
    expect(kms.calls.generate).toBe(1);
  });
});
