// Statements every key policy of the stage shares (issue 27), used as
//   Statement:
//     - ${file(sls/resources/key-policy.js):administer}
//     - ${file(sls/resources/key-policy.js):breakGlass}
//     - ...what the key is for
// Administrators (the account's IAM principals allowed to by their own policies) manage a key but
// can neither widen its policy nor grant themselves its use: no kms:PutKeyPolicy, no
// kms:CreateGrant, no deletion. Only the break-glass role (sls/resources/engineer-access.yml,
// MFA, alarmed) may rewrite a policy or schedule a key's deletion, and every PutKeyPolicy,
// CreateGrant and ScheduleKeyDeletion on a key of the stage raises an alert (monitoring.yml).
// A stack update that changes a key policy is therefore deployed as the break-glass role
// (docs/operations.md, "Keys").
const ROOT = { AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root' } };

/** What administering a key means here, listed (test/template/keys.test.ts expands every wildcard). */
const ADMIN_ACTIONS = [
  'kms:DescribeKey',
  'kms:GetKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:ListGrants',
  'kms:ListKeyPolicies',
  'kms:ListKeyRotations',
  'kms:ListResourceTags',
  'kms:EnableKey',
  'kms:DisableKey',
  'kms:EnableKeyRotation',
  'kms:RotateKeyOnDemand',
  'kms:UpdateKeyDescription',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:CreateAlias',
  'kms:UpdateAlias',
  'kms:DeleteAlias',
  'kms:RevokeGrant',
  'kms:RetireGrant',
  'kms:CancelKeyDeletion',
];

const BREAK_GLASS_ACTIONS = ['kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion', 'kms:DisableKeyRotation'];

module.exports = {
  ADMIN_ACTIONS,
  BREAK_GLASS_ACTIONS,
  administer: { Sid: 'AccountAdministersWithoutWideningOrGrants', Effect: 'Allow', Principal: ROOT, Action: ADMIN_ACTIONS, Resource: '*' },
  breakGlass: {
    Sid: 'OnlyBreakGlassRewritesPolicyOrDeletes',
    Effect: 'Allow',
    Principal: { AWS: { 'Fn::GetAtt': ['BreakGlassRole', 'Arn'] } },
    Action: BREAK_GLASS_ACTIONS,
    Resource: '*',
  },
  /** Encryption keys: the account's principals encrypt and decrypt as their IAM policies allow. */
  useForEncryption: {
    Sid: 'PrincipalsEncryptAsTheirPoliciesAllow',
    Effect: 'Allow',
    Principal: ROOT,
    Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:DescribeKey'],
    Resource: '*',
  },
  /**
   * Grants only for an AWS service acting for the caller: DynamoDB creating an encrypted table
   * (deploys, the restore drill's imports, restores). Never a grant a principal could use itself.
   */
  grantsForAwsResources: {
    Sid: 'GrantsOnlyForAwsResources',
    Effect: 'Allow',
    Principal: ROOT,
    Action: 'kms:CreateGrant',
    Resource: '*',
    Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
  },
  /** HMAC keys: the account's principals generate and verify MACs as their IAM policies allow. */
  useForMacs: { Sid: 'PrincipalsMacAsTheirPoliciesAllow', Effect: 'Allow', Principal: ROOT, Action: ['kms:GenerateMac', 'kms:VerifyMac', 'kms:DescribeKey'], Resource: '*' },
};
