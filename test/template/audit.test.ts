import { loadTemplate } from '../support/template';

const template = loadTemplate();
const resource = (id: string) => template.Resources[id];

describe('the audit chain resources (stage prod)', () => {
  it('keys the chain with a KMS HMAC key that never leaves KMS', () => {
    expect(resource('AuditMacKey')).toMatchObject({ Type: 'AWS::KMS::Key', DeletionPolicy: 'Retain', Properties: { KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' } });
  });

  it('anchors the head in a bucket with Object Lock in compliance mode for at least a year, which no principal may delete from', () => {
    const bucket = resource('AuditAnchorBucket');
    expect(bucket).toMatchObject({ Type: 'AWS::S3::Bucket', DeletionPolicy: 'Retain' });
    const p = bucket.Properties!;
    expect(p.ObjectLockEnabled).toBe(true);
    expect(p.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(p.ObjectLockConfiguration.ObjectLockEnabled).toBe('Enabled');
    expect(p.ObjectLockConfiguration.Rule.DefaultRetention.Mode).toBe('COMPLIANCE');
    expect(Number(p.ObjectLockConfiguration.Rule.DefaultRetention.Days)).toBeGreaterThanOrEqual(365);

    const statements = resource('AuditAnchorBucketPolicy').Properties!.PolicyDocument.Statement as Array<{ Sid?: string; Effect: string; Principal: unknown; Action: string[] | string }>;
    const deny = statements.find((s) => s.Sid === 'DenyAnchorDeletion');
    expect(deny).toMatchObject({ Effect: 'Deny', Principal: '*' });
    expect(deny!.Action).toEqual(expect.arrayContaining(['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:BypassGovernanceRetention']));
  });

  it('tells every function where the key and the anchors are', () => {
    for (const [, fn] of Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function')) {
      expect(fn.Properties!.Environment.Variables).toMatchObject({ AUDIT_MAC_KEY: 'alias/helpshelf-prod-audit-mac', AUDIT_ANCHOR_BUCKET: expect.stringMatching(/^helpshelf-prod-audit-anchors-/) });
    }
  });
});
