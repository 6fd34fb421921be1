import { GenerateMacCommand, KMSInvalidMacException, VerifyMacCommand } from '@aws-sdk/client-kms';
import { kmsClient } from '../platform/aws/kms';
import type { ChainMac } from './audit-log';

const MAC_ALGORITHM = 'HMAC_SHA_256';

/**
 * The chain's key: a KMS HMAC key (KeySpec HMAC_256, KeyUsage GENERATE_VERIFY_MAC). The key never
 * leaves KMS; IAM decides who may generate (the audit writers) and who may only verify (`audit
 * list`). The message is the hex SHA-256 of the entry's canonical content, well under KMS's
 * 4,096-byte limit whatever the entry holds.
 */
export function kmsChainMac(keyId: string): ChainMac {
  return {
    async generate(digest) {
      const out = await kmsClient.send(new GenerateMacCommand({ KeyId: keyId, MacAlgorithm: MAC_ALGORITHM, Message: Buffer.from(digest, 'utf8') }));
      return Buffer.from(out.Mac!).toString('hex');
    },
    async verify(digest, mac) {
      if (!/^[0-9a-f]{64}$/.test(mac)) return false;
      try {
        const out = await kmsClient.send(
          new VerifyMacCommand({ KeyId: keyId, MacAlgorithm: MAC_ALGORITHM, Message: Buffer.from(digest, 'utf8'), Mac: Buffer.from(mac, 'hex') }),
        );
        return out.MacValid === true;
      } catch (error) {
        // KMS answers a MAC that does not match with an error, not with MacValid: false.
        if (error instanceof KMSInvalidMacException) return false;
        throw error;
      }
    },
  };
}
