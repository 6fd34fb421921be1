/**
 * Every action of AWS KMS (Service Authorization Reference, "Actions defined by AWS Key Management
 * Service"), so a policy's wildcards (`kms:*`, `kms:Create*`, `kms:Get*`) can be expanded into the
 * actions they actually allow instead of being matched with a regular expression.
 */
export const KMS_ACTIONS = [
  'CancelKeyDeletion', 'ConnectCustomKeyStore', 'CreateAlias', 'CreateCustomKeyStore', 'CreateGrant', 'CreateKey', 'Decrypt',
  'DeleteAlias', 'DeleteCustomKeyStore', 'DeleteImportedKeyMaterial', 'DeriveSharedSecret', 'DescribeCustomKeyStores', 'DescribeKey',
  'DisableKey', 'DisableKeyRotation', 'DisconnectCustomKeyStore', 'EnableKey', 'EnableKeyRotation', 'Encrypt', 'GenerateDataKey',
  'GenerateDataKeyPair', 'GenerateDataKeyPairWithoutPlaintext', 'GenerateDataKeyWithoutPlaintext', 'GenerateMac', 'GenerateRandom',
  'GetKeyPolicy', 'GetKeyRotationStatus', 'GetParametersForImport', 'GetPublicKey', 'ImportKeyMaterial', 'ListAliases', 'ListGrants',
  'ListKeyPolicies', 'ListKeyRotations', 'ListKeys', 'ListResourceTags', 'ListRetirableGrants', 'PutKeyPolicy', 'ReEncryptFrom',
  'ReEncryptTo', 'ReplicateKey', 'RetireGrant', 'RevokeGrant', 'RotateKeyOnDemand', 'ScheduleKeyDeletion', 'Sign',
  'SynchronizeMultiRegionKey', 'TagResource', 'UntagResource', 'UpdateAlias', 'UpdateCustomKeyStore', 'UpdateKeyDescription',
  'UpdatePrimaryRegion', 'Verify', 'VerifyMac',
].map((a) => `kms:${a}`);

/** The KMS actions an IAM action pattern allows (`*` any run of characters, `?` one; case-insensitive). */
export function expandKmsAction(pattern: string): string[] {
  if (pattern === '*') return [...KMS_ACTIONS];
  const re = new RegExp(`^${pattern.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('')}$`, 'i');
  return KMS_ACTIONS.filter((a) => re.test(a));
}

export interface KeyStatement {
  Sid?: string;
  Effect: string;
  Principal?: unknown;
  Action: string | string[];
  Resource?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** The actions a statement allows, every wildcard expanded. */
export function allowedActions(statement: KeyStatement): string[] {
  return [...new Set(([] as string[]).concat(statement.Action).flatMap(expandKmsAction))].sort();
}
