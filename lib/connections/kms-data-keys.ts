import { kmsEnvelopeKeys } from '../platform/aws/kms';
import type { EncryptionContext } from './model';
import type { DataKeyService } from './token-vault';

/** KMS adapter: data keys under the connections key, always with the row's encryption context. */
export function kmsDataKeys(keyId: string): DataKeyService {
  return kmsEnvelopeKeys<EncryptionContext>(keyId);
}
