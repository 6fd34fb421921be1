/**
 * `npx tsx scripts/fsbp.ts FILE...`: counts the AWS Foundational Security Best Practices controls
 * that a packaged CloudFormation template passes, judged from the template alone (issue 27's
 * closing measurement). Only controls whose evidence is in the template are counted; a control
 * passes when every resource it applies to passes, and is not counted when nothing in the
 * template is of its type. Prints one line per control and the totals, for each file.
 */
import { readFileSync } from 'node:fs';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Props = Record<string, any>;
type Resource = { Type: string; Properties?: Props; DeletionPolicy?: string };
type Check = { id: string; title: string; type: string; pass: (p: Props, id: string, all: Record<string, Resource>) => boolean };

const refersTo = (value: unknown, id: string) => JSON.stringify(value ?? null).includes(`"${id}"`);
const policiesOf = (all: Record<string, Resource>, type: string, key: string, id: string) =>
  Object.values(all).filter((r) => r.Type === type && ([] as unknown[]).concat(r.Properties?.[key]).some((v) => refersTo(v, id)));
const deniesInsecureTransport = (policy: Resource) =>
  (policy.Properties!.PolicyDocument.Statement as Props[]).some((s) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false');

const CHECKS: Check[] = [
  { id: 'APIGateway.1', title: 'REST API stage execution logging', type: 'AWS::ApiGateway::Stage', pass: (p) => (p.MethodSettings ?? []).some((m: Props) => ['ERROR', 'INFO'].includes(m.LoggingLevel)) },
  { id: 'APIGateway.3', title: 'REST API stage X-Ray tracing', type: 'AWS::ApiGateway::Stage', pass: (p) => p.TracingEnabled === true },
  { id: 'APIGateway.4', title: 'API associated with a WAF web ACL', type: 'AWS::ApiGateway::Stage', pass: (_p, _id, all) => Object.values(all).some((r) => r.Type === 'AWS::WAFv2::WebACLAssociation') },
  { id: 'APIGateway.5', title: 'REST API cache encrypted at rest', type: 'AWS::ApiGateway::Stage', pass: (p) => !(p.CacheClusterEnabled === true) || (p.MethodSettings ?? []).every((m: Props) => m.CacheDataEncrypted === true) },
  { id: 'CloudFront.1', title: 'default root object', type: 'AWS::CloudFront::Distribution', pass: (p) => Boolean(p.DistributionConfig.DefaultRootObject) },
  { id: 'CloudFront.3', title: 'HTTPS to viewers', type: 'AWS::CloudFront::Distribution', pass: (p) => [p.DistributionConfig.DefaultCacheBehavior, ...(p.DistributionConfig.CacheBehaviors ?? [])].every((b: Props) => b.ViewerProtocolPolicy !== 'allow-all') },
  { id: 'CloudFront.5', title: 'logging enabled', type: 'AWS::CloudFront::Distribution', pass: (p) => Boolean(p.DistributionConfig.Logging?.Bucket) },
  { id: 'CloudFront.6', title: 'WAF enabled', type: 'AWS::CloudFront::Distribution', pass: (p) => Boolean(p.DistributionConfig.WebACLId) },
  { id: 'CloudFront.7', title: 'custom SSL/TLS certificate', type: 'AWS::CloudFront::Distribution', pass: (p) => Boolean(p.DistributionConfig.ViewerCertificate?.AcmCertificateArn) },
  { id: 'CloudFront.8', title: 'SNI for HTTPS', type: 'AWS::CloudFront::Distribution', pass: (p) => p.DistributionConfig.ViewerCertificate?.SslSupportMethod === 'sni-only' },
  { id: 'CloudFront.10', title: 'no deprecated SSL protocols to custom origins', type: 'AWS::CloudFront::Distribution', pass: (p) => (p.DistributionConfig.Origins as Props[]).every((o) => !o.CustomOriginConfig || !(o.CustomOriginConfig.OriginSSLProtocols ?? []).some((v: string) => ['SSLv3', 'TLSv1', 'TLSv1.1'].includes(v))) },
  { id: 'CloudFront.13', title: 'origin access control for S3 origins', type: 'AWS::CloudFront::Distribution', pass: (p) => (p.DistributionConfig.Origins as Props[]).every((o) => !o.S3OriginConfig || Boolean(o.OriginAccessControlId)) },
  { id: 'CloudTrail.1', title: 'multi-Region trail with management events', type: 'AWS::CloudTrail::Trail', pass: (p) => p.IsMultiRegionTrail === true && p.IsLogging !== false },
  { id: 'CloudTrail.2', title: 'trail encrypted at rest (KMS)', type: 'AWS::CloudTrail::Trail', pass: (p) => Boolean(p.KMSKeyId) },
  { id: 'CloudTrail.4', title: 'log file validation', type: 'AWS::CloudTrail::Trail', pass: (p) => p.EnableLogFileValidation === true },
  { id: 'CloudTrail.5', title: 'integrated with CloudWatch Logs', type: 'AWS::CloudTrail::Trail', pass: (p) => Boolean(p.CloudWatchLogsLogGroupArn) },
  { id: 'DynamoDB.1', title: 'scales with demand (on-demand or auto scaling)', type: 'AWS::DynamoDB::Table', pass: (p) => p.BillingMode === 'PAY_PER_REQUEST' },
  { id: 'DynamoDB.2', title: 'point-in-time recovery', type: 'AWS::DynamoDB::Table', pass: (p) => p.PointInTimeRecoverySpecification?.PointInTimeRecoveryEnabled === true },
  { id: 'DynamoDB.6', title: 'deletion protection', type: 'AWS::DynamoDB::Table', pass: (p) => p.DeletionProtectionEnabled === true },
  { id: 'KMS.4', title: 'key rotation (symmetric encryption keys)', type: 'AWS::KMS::Key', pass: (p) => (p.KeySpec ?? 'SYMMETRIC_DEFAULT') !== 'SYMMETRIC_DEFAULT' || p.EnableKeyRotation === true },
  { id: 'Lambda.2', title: 'supported runtime', type: 'AWS::Lambda::Function', pass: (p) => ['nodejs22.x', 'nodejs20.x', 'python3.12', 'python3.13'].includes(p.Runtime) },
  { id: 'Lambda.5', title: 'in a VPC, multiple AZs', type: 'AWS::Lambda::Function', pass: (p) => (p.VpcConfig?.SubnetIds ?? []).length >= 2 },
  { id: 'S3.5', title: 'bucket requires TLS', type: 'AWS::S3::Bucket', pass: (_p, id, all) => policiesOf(all, 'AWS::S3::BucketPolicy', 'Bucket', id).some(deniesInsecureTransport) },
  { id: 'S3.8', title: 'bucket blocks public access', type: 'AWS::S3::Bucket', pass: (p) => ['BlockPublicAcls', 'BlockPublicPolicy', 'IgnorePublicAcls', 'RestrictPublicBuckets'].every((k) => p.PublicAccessBlockConfiguration?.[k] === true) },
  { id: 'S3.9', title: 'server access logging', type: 'AWS::S3::Bucket', pass: (p) => Boolean(p.LoggingConfiguration?.DestinationBucketName) },
  { id: 'S3.12', title: 'no ACLs (bucket owner enforced)', type: 'AWS::S3::Bucket', pass: (p) => p.OwnershipControls?.Rules?.[0]?.ObjectOwnership === 'BucketOwnerEnforced' },
  { id: 'S3.13', title: 'lifecycle configuration', type: 'AWS::S3::Bucket', pass: (p) => (p.LifecycleConfiguration?.Rules ?? []).length > 0 },
  { id: 'SecretsManager.1', title: 'automatic rotation', type: 'AWS::SecretsManager::Secret', pass: (_p, id, all) => Object.values(all).some((r) => r.Type === 'AWS::SecretsManager::RotationSchedule' && refersTo(r.Properties?.SecretId, id)) },
  { id: 'SNS.1', title: 'topic encrypted with KMS (retired control, still counted)', type: 'AWS::SNS::Topic', pass: (p) => Boolean(p.KmsMasterKeyId) },
  { id: 'SQS.1', title: 'queue encrypted at rest', type: 'AWS::SQS::Queue', pass: (p) => Boolean(p.KmsMasterKeyId) || p.SqsManagedSseEnabled === true },
  { id: 'WAF.10', title: 'web ACL has a rule', type: 'AWS::WAFv2::WebACL', pass: (p) => (p.Rules ?? []).length > 0 },
  { id: 'WAF.11', title: 'web ACL logging', type: 'AWS::WAFv2::WebACL', pass: (_p, id, all) => policiesOf(all, 'AWS::WAFv2::LoggingConfiguration', 'ResourceArn', id).length > 0 },
  { id: 'WAF.12', title: 'rules publish CloudWatch metrics', type: 'AWS::WAFv2::WebACL', pass: (p) => (p.Rules ?? []).every((r: Props) => r.VisibilityConfig?.CloudWatchMetricsEnabled === true) },
];

// The framework's deployment bucket is not part of the application's data.
const SKIP = new Set(['ServerlessDeploymentBucket']);

for (const file of process.argv.slice(2)) {
  const resources = (JSON.parse(readFileSync(file, 'utf8')) as { Resources: Record<string, Resource> }).Resources;
  let passed = 0;
  let applicable = 0;
  let failedResources = 0;
  console.log(file);
  for (const check of CHECKS) {
    const targets = Object.entries(resources).filter(([id, r]) => r.Type === check.type && !SKIP.has(id));
    if (targets.length === 0) continue;
    applicable += 1;
    const failing = targets.filter(([id, r]) => !check.pass(r.Properties ?? {}, id, resources)).map(([id]) => id);
    failedResources += failing.length;
    if (failing.length === 0) passed += 1;
    console.log(`  ${failing.length === 0 ? 'PASS' : 'FAIL'} ${check.id} ${check.title}${failing.length ? ` (${failing.length}/${targets.length}: ${failing.slice(0, 4).join(', ')}${failing.length > 4 ? ', …' : ''})` : ''}`);
  }
  console.log(`  ${passed} of ${applicable} applicable controls pass; ${failedResources} failing resource findings`);
}
