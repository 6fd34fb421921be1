import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { PACKAGE_DIR, ROOT } from '../support/paths';
import { functionRoles, loadTemplate, resourcesOfType } from '../support/template';

const template = loadTemplate();

describe('the packaged CloudFormation template (stage prod)', () => {
  it('passes cfn-lint, apart from the warnings justified here', () => {
    // W3005: serverless-iam-roles-per-function adds a DependsOn on the role that the function's
    // Role GetAtt already implies. Redundant, harmless, and not ours to change.
    const justified = new Set(['W3005']);
    let output = '';
    try {
      output = execFileSync('cfn-lint', ['--format', 'parseable', path.join(PACKAGE_DIR, 'cloudformation-template-update-stack.json')], {
        encoding: 'utf8',
      });
    } catch (error) {
      output = (error as { stdout?: string }).stdout ?? String(error);
    }
    const unjustified = output
      .split('\n')
      .filter(Boolean)
      .filter((line) => !justified.has(/:([EWI]\d{4}):/.exec(line)?.[1] ?? ''));
    expect(unjustified).toEqual([]);
  });

  it('gives every table PITR (35 days), KMS encryption with the stage key, and deletion protection', () => {
    const tables = resourcesOfType(template, 'AWS::DynamoDB::Table');
    expect(tables.length).toBeGreaterThanOrEqual(7);
    for (const [id, table] of tables) {
      const p = table.Properties!;
      expect({ id, pitr: p.PointInTimeRecoverySpecification }).toEqual({ id, pitr: { PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays: 35 } });
      expect({ id, sse: p.SSESpecification }).toEqual({ id, sse: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { Ref: 'DataKey' } } });
      expect({ id, protection: p.DeletionProtectionEnabled }).toEqual({ id, protection: true });
      expect({ id, policy: table.DeletionPolicy }).toEqual({ id, policy: 'Retain' });
    }
    expect(template.Resources.DataKey.Properties!.EnableKeyRotation).toBe(true);
  });

  it('makes every bucket versioned, encrypted, private and TLS-only', () => {
    const buckets = resourcesOfType(template, 'AWS::S3::Bucket').filter(([id]) => id !== 'ServerlessDeploymentBucket');
    // S3 delivers server access logs only into a bucket with S3-managed encryption (monitoring.yml).
    const sseS3 = new Set(['AccessLogsBucket']);
    expect(buckets.length).toBeGreaterThanOrEqual(1);
    const policies = resourcesOfType(template, 'AWS::S3::BucketPolicy');
    for (const [id, bucket] of buckets) {
      const p = bucket.Properties!;
      expect(p.VersioningConfiguration).toEqual({ Status: 'Enabled' });
      expect(p.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe(sseS3.has(id) ? 'AES256' : 'aws:kms');
      expect(p.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
      const policy = policies.find(([, pol]) => pol.Properties!.Bucket?.Ref === id);
      expect(policy).toBeDefined();
      const denies = policy![1].Properties!.PolicyDocument.Statement.filter(
        (s: { Effect: string; Condition?: { Bool?: Record<string, string> } }) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false',
      );
      expect(denies).toHaveLength(1);
    }
  });

  it('runs every function on arm64 nodejs22.x with a role of its own', () => {
    const functions = resourcesOfType(template, 'AWS::Lambda::Function');
    const roles = functionRoles(template);
    expect(functions.length).toBeGreaterThanOrEqual(3);
    for (const [, fn] of functions) {
      expect(fn.Properties!.Runtime).toBe('nodejs22.x');
      expect(fn.Properties!.Architectures).toEqual(['arm64']);
    }
    const roleIds = roles.map((r) => r.roleId);
    expect(new Set(roleIds).size).toBe(functions.length);
    expect(roleIds).not.toContain('IamRoleLambdaExecution');
  });

  it('answers API Gateway\'s own errors in the API.md error shape with the security headers', () => {
    for (const type of ['DEFAULT_4XX', 'DEFAULT_5XX']) {
      const [, response] = resourcesOfType(template, 'AWS::ApiGateway::GatewayResponse').find(([, r]) => r.Properties!.ResponseType === type)!;
      expect(response.Properties!.ResponseParameters['gatewayresponse.header.Strict-Transport-Security']).toBe("'max-age=63072000; includeSubDomains'");
      expect(response.Properties!.ResponseTemplates['application/json']).toMatch(/^\{"error":\{"code":/);
    }
  });

  it('serves the API on a custom domain that enforces TLS 1.2', () => {
    const [, domain] = resourcesOfType(template, 'AWS::ApiGateway::DomainName')[0];
    expect(domain.Properties!.SecurityPolicy).toBe('TLS_1_2');
    expect(domain.Properties!.EndpointConfiguration).toEqual({ Types: ['REGIONAL'] });
    expect(resourcesOfType(template, 'AWS::ApiGateway::BasePathMapping')).toHaveLength(1);
  });

  it('lists in lib/http/routes.json exactly the public routes the functions serve', () => {
    const { routes } = JSON.parse(readFileSync(path.join(ROOT, 'lib/http/routes.json'), 'utf8')) as { routes: Array<{ method: string; path: string }> };
    const methods = resourcesOfType(template, 'AWS::ApiGateway::Method').filter(([, m]) => m.Properties!.HttpMethod !== 'ANY' && m.Properties!.HttpMethod !== 'OPTIONS');
    const resources = Object.fromEntries(resourcesOfType(template, 'AWS::ApiGateway::Resource').map(([id, r]) => [id, r.Properties!]));
    const fullPath = (ref: { Ref?: string; 'Fn::GetAtt'?: unknown }): string => {
      if (!ref.Ref) return '';
      const r = resources[ref.Ref];
      return `${fullPath(r.ParentId)}/${r.PathPart}`;
    };
    const served = methods.map(([, m]) => `${m.Properties!.HttpMethod} ${fullPath(m.Properties!.ResourceId)}`).sort();
    expect(served).toEqual(routes.map((r) => `${r.method} ${r.path}`).sort());
  });
});
