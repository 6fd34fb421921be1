import { randomBytes } from 'node:crypto';
import {
  CreateTableCommand,
  DynamoDBClient,
  UpdateContinuousBackupsCommand,
  UpdateTimeToLiveCommand,
  type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import { CreateAliasCommand, CreateKeyCommand, EnableKeyRotationCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  CreateBucketCommand,
  PutBucketEncryptionCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketPolicyCommand,
  PutBucketVersioningCommand,
  PutObjectLockConfigurationCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESClient, VerifyDomainIdentityCommand, VerifyEmailIdentityCommand } from '@aws-sdk/client-ses';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { CfnResource, StageConfig } from './stage-config';

/**
 * Creates the local stage's resources in the emulator from the CloudFormation resources that
 * serverless.yml declares for the stage, so there is no second list to keep in step. It resolves
 * the few intrinsic functions the template uses and applies each resource's settings with the
 * same API calls CloudFormation would make.
 */

export const EMULATOR_ACCOUNT_ID = '123456789012';

/** Types served by serverless-offline or only meaningful on AWS (alarms, API Gateway). */
const NOT_EMULATED = new Set([
  'AWS::ApiGateway::GatewayResponse',
  'AWS::CloudWatch::Alarm',
  'AWS::SNS::Topic',
  'AWS::SNS::Subscription',
  'AWS::SNS::TopicPolicy',
  // Its only statement refuses requests without TLS; the emulator speaks plain HTTP (see the
  // bucket policy below).
  'AWS::SQS::QueuePolicy',
  'AWS::Lambda::EventSourceMapping',
  'AWS::Lambda::Permission',
  'AWS::Events::Rule',
  'AWS::Scheduler::Schedule',
  'AWS::IAM::Role',
  'AWS::IAM::ManagedPolicy',
  'AWS::CloudTrail::Trail',
  'AWS::ApiGateway::DomainName',
  'AWS::ApiGateway::BasePathMapping',
  'AWS::Route53::RecordSet',
  'AWS::CertificateManager::Certificate',
  // Nothing delivers SMTP to the emulator: `npm run ops -- mail receive` stores the message in the
  // inbound bucket and invokes the intake function with the S3 event SES's rule would cause.
  'AWS::SES::ReceiptRuleSet',
  'AWS::SES::ReceiptRule',
]);

/**
 * Bucket settings the emulator cannot act on: a notification names a Lambda function, which
 * serverless-offline serves outside the emulator (the local path invokes it directly instead).
 */
const NOT_EMULATED_BUCKET_SETTINGS = ['NotificationConfiguration'];

interface Physical {
  ref: string;
  attributes: Record<string, string>;
}

export interface ProvisionOptions {
  region: string;
  /** The emulator's endpoint; the provisioner never touches a real AWS account. */
  endpoint: string;
  /** Secret values to seed by logical id, overriding the template's SecretString. */
  secretValues?: Record<string, string>;
  log?: (message: string) => void;
}

export interface ProvisionResult {
  resources: Record<string, Physical>;
  skipped: string[];
}

function clients(region: string, endpoint: string) {
  const common = { region, endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  return {
    dynamodb: new DynamoDBClient(common),
    kms: new KMSClient(common),
    s3: new S3Client({ ...common, forcePathStyle: true }),
    secrets: new SecretsManagerClient(common),
    ses: new SESClient(common),
    sqs: new SQSClient(common),
  };
}

type Clients = ReturnType<typeof clients>;

function referencedIds(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    value.forEach((v) => referencedIds(v, out));
  } else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'Ref' && typeof inner === 'string' && !inner.startsWith('AWS::')) out.add(inner);
      else if (key === 'Fn::GetAtt') out.add(Array.isArray(inner) ? String(inner[0]) : String(inner).split('.')[0]);
      else if (key === 'Fn::Sub') {
        const template = Array.isArray(inner) ? String(inner[0]) : String(inner);
        for (const match of template.matchAll(/\$\{([A-Za-z0-9]+)(?:\.[A-Za-z]+)?\}/g)) {
          if (!match[1].startsWith('AWS')) out.add(match[1]);
        }
        if (Array.isArray(inner)) referencedIds(inner[1], out);
      } else referencedIds(inner, out);
    }
  }
  return out;
}

/** Orders resources so every resource comes after those it references. */
export function creationOrder(resources: Record<string, CfnResource>): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, path: string[]) => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') throw new Error(`Circular reference between resources: ${[...path, id].join(' -> ')}`);
    state.set(id, 'visiting');
    const resource = resources[id];
    const deps = new Set([...referencedIds(resource.Properties), ...([] as string[]).concat(resource.DependsOn ?? [])]);
    for (const dep of deps) if (resources[dep]) visit(dep, [...path, id]);
    state.set(id, 'done');
    order.push(id);
  };
  Object.keys(resources).sort().forEach((id) => visit(id, []));
  return order;
}

class Resolver {
  constructor(
    private readonly region: string,
    private readonly created: Record<string, Physical>,
    private readonly conditions: Record<string, unknown>,
  ) {}

  pseudo(name: string): string {
    switch (name) {
      case 'AWS::Region':
        return this.region;
      case 'AWS::AccountId':
        return EMULATOR_ACCOUNT_ID;
      case 'AWS::Partition':
        return 'aws';
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return 'local';
      case 'AWS::NoValue':
        return '';
      default:
        throw new Error(`Unsupported pseudo parameter ${name}`);
    }
  }

  ref(id: string): string {
    if (id.startsWith('AWS::')) return this.pseudo(id);
    const found = this.created[id];
    if (!found) throw new Error(`Reference to ${id}, which the local stage does not create`);
    return found.ref;
  }

  attribute(id: string, attribute: string): string {
    const found = this.created[id];
    const value = found?.attributes[attribute];
    if (value === undefined) throw new Error(`Fn::GetAtt ${id}.${attribute} is not available on the local stage`);
    return value;
  }

  condition(name: string): boolean {
    return Boolean(this.resolve(this.conditions[name]));
  }

  resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.resolve(v));
    if (!value || typeof value !== 'object') return value;
    const entries = Object.entries(value);
    if (entries.length === 1) {
      const [key, inner] = entries[0];
      switch (key) {
        case 'Ref':
          return this.ref(String(inner));
        case 'Fn::GetAtt': {
          const [id, attribute] = Array.isArray(inner) ? inner.map(String) : String(inner).split('.');
          return this.attribute(id, attribute);
        }
        case 'Fn::Sub': {
          const [template, vars] = Array.isArray(inner) ? [String(inner[0]), (inner[1] ?? {}) as Record<string, unknown>] : [String(inner), {}];
          return template.replace(/\$\{([^}]+)\}/g, (_m, name: string) => {
            if (name in vars) return String(this.resolve(vars[name]));
            if (name.startsWith('AWS::')) return this.pseudo(name);
            const [id, attribute] = name.split('.');
            return attribute ? this.attribute(id, attribute) : this.ref(id);
          });
        }
        case 'Fn::Join': {
          const [delimiter, list] = inner as [string, unknown[]];
          return (this.resolve(list) as unknown[]).join(delimiter);
        }
        case 'Fn::If': {
          const [name, whenTrue, whenFalse] = inner as [string, unknown, unknown];
          return this.resolve(this.condition(name) ? whenTrue : whenFalse);
        }
        case 'Fn::Equals': {
          const [a, b] = this.resolve(inner) as [unknown, unknown];
          return String(a) === String(b);
        }
        case 'Fn::Not':
          return !(this.resolve((inner as unknown[])[0]) as boolean);
        case 'Condition':
          return this.condition(String(inner));
        default:
          break;
      }
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, this.resolve(v)]));
  }
}

function generateSecretString(spec: Record<string, unknown>): string {
  const length = Number(spec.PasswordLength ?? 32);
  const value = randomBytes(length).toString('base64url').slice(0, length);
  if (spec.SecretStringTemplate && spec.GenerateStringKey) {
    const template = JSON.parse(String(spec.SecretStringTemplate)) as Record<string, unknown>;
    template[String(spec.GenerateStringKey)] = value;
    return JSON.stringify(template);
  }
  return value;
}

type Props = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function createResource(c: Clients, id: string, type: string, p: Props, options: ProvisionOptions): Promise<Physical> {
  switch (type) {
    case 'AWS::KMS::Key': {
      const out = await c.kms.send(
        new CreateKeyCommand({
          Description: p.Description,
          KeySpec: p.KeySpec,
          KeyUsage: p.KeyUsage,
          Policy: p.KeyPolicy ? JSON.stringify(p.KeyPolicy) : undefined,
        }),
      );
      const keyId = out.KeyMetadata!.KeyId!;
      if (p.EnableKeyRotation) await c.kms.send(new EnableKeyRotationCommand({ KeyId: keyId }));
      return { ref: keyId, attributes: { Arn: out.KeyMetadata!.Arn!, KeyId: keyId } };
    }
    case 'AWS::KMS::Alias': {
      await c.kms.send(new CreateAliasCommand({ AliasName: p.AliasName, TargetKeyId: p.TargetKeyId }));
      return { ref: p.AliasName, attributes: {} };
    }
    case 'AWS::DynamoDB::Table': {
      const input: CreateTableCommandInput = {
        TableName: p.TableName,
        BillingMode: p.BillingMode,
        KeySchema: p.KeySchema,
        AttributeDefinitions: p.AttributeDefinitions,
        GlobalSecondaryIndexes: p.GlobalSecondaryIndexes,
        StreamSpecification: p.StreamSpecification ? { StreamEnabled: true, StreamViewType: p.StreamSpecification.StreamViewType } : undefined,
        SSESpecification: p.SSESpecification
          ? { Enabled: p.SSESpecification.SSEEnabled, SSEType: p.SSESpecification.SSEType, KMSMasterKeyId: p.SSESpecification.KMSMasterKeyId }
          : undefined,
        DeletionProtectionEnabled: p.DeletionProtectionEnabled,
        Tags: p.Tags,
      };
      const out = await c.dynamodb.send(new CreateTableCommand(input));
      if (p.PointInTimeRecoverySpecification?.PointInTimeRecoveryEnabled) {
        await c.dynamodb.send(
          new UpdateContinuousBackupsCommand({
            TableName: p.TableName,
            PointInTimeRecoverySpecification: {
              PointInTimeRecoveryEnabled: true,
              RecoveryPeriodInDays: p.PointInTimeRecoverySpecification.RecoveryPeriodInDays,
            },
          }),
        );
      }
      if (p.TimeToLiveSpecification?.Enabled) {
        await c.dynamodb.send(
          new UpdateTimeToLiveCommand({
            TableName: p.TableName,
            TimeToLiveSpecification: { AttributeName: p.TimeToLiveSpecification.AttributeName, Enabled: true },
          }),
        );
      }
      const description = out.TableDescription!;
      return {
        ref: p.TableName,
        attributes: { Arn: description.TableArn!, ...(description.LatestStreamArn ? { StreamArn: description.LatestStreamArn } : {}) },
      };
    }
    case 'AWS::S3::Bucket': {
      const bucket = p.BucketName as string;
      await c.s3.send(
        new CreateBucketCommand({
          Bucket: bucket,
          CreateBucketConfiguration: options.region === 'us-east-1' ? undefined : { LocationConstraint: options.region as never },
          ObjectLockEnabledForBucket: p.ObjectLockEnabled === true ? true : undefined,
        }),
      );
      if (p.VersioningConfiguration?.Status) {
        await c.s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: p.VersioningConfiguration.Status } }));
      }
      if (p.ObjectLockConfiguration) {
        const retention = p.ObjectLockConfiguration.Rule?.DefaultRetention;
        await c.s3.send(
          new PutObjectLockConfigurationCommand({
            Bucket: bucket,
            ObjectLockConfiguration: {
              ObjectLockEnabled: p.ObjectLockConfiguration.ObjectLockEnabled,
              Rule: retention ? { DefaultRetention: { Mode: retention.Mode, Days: retention.Days === undefined ? undefined : Number(retention.Days), Years: retention.Years === undefined ? undefined : Number(retention.Years) } } : undefined,
            },
          }),
        );
      }
      if (p.BucketEncryption) {
        await c.s3.send(
          new PutBucketEncryptionCommand({
            Bucket: bucket,
            ServerSideEncryptionConfiguration: {
              Rules: p.BucketEncryption.ServerSideEncryptionConfiguration.map((rule: Props) => ({
                ApplyServerSideEncryptionByDefault: rule.ServerSideEncryptionByDefault,
                BucketKeyEnabled: rule.BucketKeyEnabled,
              })),
            },
          }),
        );
      }
      if (p.PublicAccessBlockConfiguration) {
        await c.s3.send(new PutPublicAccessBlockCommand({ Bucket: bucket, PublicAccessBlockConfiguration: p.PublicAccessBlockConfiguration }));
      }
      if (p.LifecycleConfiguration) {
        await c.s3.send(
          new PutBucketLifecycleConfigurationCommand({
            Bucket: bucket,
            LifecycleConfiguration: {
              Rules: p.LifecycleConfiguration.Rules.map((rule: Props) => ({
                ID: rule.Id,
                Status: rule.Status,
                Filter: { Prefix: rule.Prefix ?? '' },
                Transitions: rule.Transitions?.map((t: Props) => ({ StorageClass: t.StorageClass, Days: Number(t.TransitionInDays) })),
                Expiration: rule.ExpirationInDays ? { Days: Number(rule.ExpirationInDays) } : undefined,
                NoncurrentVersionExpiration: rule.NoncurrentVersionExpiration
                  ? { NoncurrentDays: Number(rule.NoncurrentVersionExpiration.NoncurrentDays) }
                  : undefined,
                AbortIncompleteMultipartUpload: rule.AbortIncompleteMultipartUpload,
              })),
            },
          }),
        );
      }
      return { ref: bucket, attributes: { Arn: `arn:aws:s3:::${bucket}`, DomainName: `${bucket}.s3.amazonaws.com` } };
    }
    case 'AWS::S3::BucketPolicy': {
      // The emulator speaks plain HTTP, and moto applies a bucket policy's Deny without evaluating
      // its Condition: the TLS-only statement would deny every object read and write on the local
      // stage. Deployed stages keep it (the template test asserts it).
      const statements = (p.PolicyDocument.Statement as Props[]).filter((s) => !(s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false'));
      if (statements.length === 0) return { ref: p.Bucket, attributes: {} };
      await c.s3.send(new PutBucketPolicyCommand({ Bucket: p.Bucket, Policy: JSON.stringify({ ...p.PolicyDocument, Statement: statements }) }));
      return { ref: p.Bucket, attributes: {} };
    }
    case 'AWS::SQS::Queue': {
      const attributes: Record<string, string> = {};
      for (const key of ['VisibilityTimeout', 'MessageRetentionPeriod', 'DelaySeconds', 'ReceiveMessageWaitTimeSeconds', 'SqsManagedSseEnabled', 'KmsMasterKeyId', 'KmsDataKeyReusePeriodSeconds', 'FifoQueue']) {
        if (p[key] !== undefined) attributes[key] = String(p[key]);
      }
      if (p.RedrivePolicy) attributes.RedrivePolicy = JSON.stringify(p.RedrivePolicy);
      const out = await c.sqs.send(new CreateQueueCommand({ QueueName: p.QueueName, Attributes: attributes }));
      const got = await c.sqs.send(new GetQueueAttributesCommand({ QueueUrl: out.QueueUrl, AttributeNames: ['QueueArn'] }));
      return { ref: out.QueueUrl!, attributes: { Arn: got.Attributes!.QueueArn!, QueueName: p.QueueName, QueueUrl: out.QueueUrl! } };
    }
    case 'AWS::SecretsManager::Secret': {
      const value = options.secretValues?.[id] ?? (p.GenerateSecretString ? generateSecretString(p.GenerateSecretString) : p.SecretString);
      const out = await c.secrets.send(
        new CreateSecretCommand({ Name: p.Name, Description: p.Description, KmsKeyId: p.KmsKeyId, SecretString: value }),
      );
      return { ref: out.ARN!, attributes: { Id: out.ARN! } };
    }
    case 'AWS::SES::EmailIdentity': {
      const identity = String(p.EmailIdentity);
      if (identity.includes('@')) await c.ses.send(new VerifyEmailIdentityCommand({ EmailAddress: identity }));
      else await c.ses.send(new VerifyDomainIdentityCommand({ Domain: identity }));
      return { ref: identity, attributes: {} };
    }
    default:
      throw new Error(`The local stage cannot create ${type} (${id}); add it to provision.ts or to NOT_EMULATED`);
  }
}

export async function provisionStage(config: StageConfig, options: ProvisionOptions): Promise<ProvisionResult> {
  const resources = config.resources?.Resources ?? {};
  const c = clients(options.region, options.endpoint);
  const created: Record<string, Physical> = {};
  const resolver = new Resolver(options.region, created, config.resources?.Conditions ?? {});
  const skipped: string[] = [];
  for (const id of creationOrder(resources)) {
    const resource = resources[id];
    if (resource.Type.startsWith('AWS::ApiGateway::') || NOT_EMULATED.has(resource.Type)) {
      skipped.push(id);
      continue;
    }
    if (resource.Condition && !resolver.condition(resource.Condition)) {
      skipped.push(id);
      continue;
    }
    const declared = { ...(resource.Properties ?? {}) } as Props;
    if (resource.Type === 'AWS::S3::Bucket') for (const setting of NOT_EMULATED_BUCKET_SETTINGS) delete declared[setting];
    // A key policy statement for a principal the local stage does not have (the break-glass IAM
    // role, sls/resources/key-policy.js) cannot be resolved here; the emulator does not enforce
    // key policies for principals anyway. Deployed stages keep every statement.
    if (resource.Type === 'AWS::KMS::Key' && declared.KeyPolicy) {
      const statements = (declared.KeyPolicy as Props).Statement as Props[];
      declared.KeyPolicy = { ...declared.KeyPolicy, Statement: statements.filter((st) => [...referencedIds(st)].every((ref) => created[ref])) };
    }
    const props = resolver.resolve(declared) as Props;
    created[id] = await createResource(c, id, resource.Type, props, options);
    options.log?.(`created ${resource.Type} ${created[id].ref}`);
  }
  return { resources: created, skipped };
}
