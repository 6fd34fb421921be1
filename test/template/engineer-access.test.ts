import { loadTemplate, resourcesOfType, type CfnTemplate } from '../support/template';

/**
 * Issue 24, part 1: hardware-key MFA in every environment. Every check runs on two packaged stage
 * names, so a definition that only one stage carries fails here.
 */
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const STAGES = ['prod', 'staging'] as const;

describe.each(STAGES)('engineer access on stage %s', (stage) => {
  const template: CfnTemplate = loadTemplate(stage);
  const resource = (id: string): Json => template.Resources[id];
  const roleNames = { EngineerRole: `helpshelf-${stage}-Engineer`, BreakGlassRole: `helpshelf-${stage}-BreakGlass` };

  it.each(Object.entries(roleNames))('%s is assumable only with MFA under an hour old, by the account, for at most an hour', (id, name) => {
    const role = resource(id);
    expect(role.Type).toBe('AWS::IAM::Role');
    expect(role.Properties.RoleName).toBe(name);
    expect(role.Properties.MaxSessionDuration).toBe(3600);
    const statements: Json[] = role.Properties.AssumeRolePolicyDocument.Statement;
    expect(statements).toHaveLength(1);
    const [trust] = statements;
    expect(trust.Effect).toBe('Allow');
    expect([trust.Action].flat()).toEqual(['sts:AssumeRole']);
    expect(trust.Principal).toEqual({ AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root' } });
    expect(trust.Condition.Bool).toEqual({ 'aws:MultiFactorAuthPresent': 'true' });
    expect(trust.Condition.NumericLessThan).toEqual({ 'aws:MultiFactorAuthAge': '3600' });
    // The session carries the IAM user's own name: what the ops functions record as the engineer.
    expect(trust.Condition.StringEquals).toEqual({ 'sts:RoleSessionName': { 'Fn::Join': ['', ['$', '{aws:username}']] } });
  });

  it('no other role in the template can be assumed by a person (only AWS services assume the rest)', () => {
    for (const [id, role] of resourcesOfType(template, 'AWS::IAM::Role')) {
      if (id in roleNames) continue;
      for (const s of role.Properties!.AssumeRolePolicyDocument.Statement as Json[]) expect(Object.keys(s.Principal)).toEqual(['Service']);
    }
  });

  it('the Engineer role may only invoke this stage’s ops functions', () => {
    const statements: Json[] = resource('EngineerRole').Properties.Policies.flatMap((p: Json) => p.PolicyDocument.Statement);
    expect(resource('EngineerRole').Properties.ManagedPolicyArns).toBeUndefined();
    expect(statements).toEqual([
      { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:lambda:\${AWS::Region}:\${AWS::AccountId}:function:helpshelf-${stage}-ops*` } },
    ]);
  });

  it('every ops function accepts exactly the sessions of this stage’s Engineer and BreakGlass roles', () => {
    const ops = resourcesOfType(template, 'AWS::Lambda::Function').filter(([, fn]) => String(fn.Properties!.FunctionName).startsWith(`helpshelf-${stage}-ops`));
    expect(ops.length).toBeGreaterThanOrEqual(6);
    for (const [, fn] of ops) expect(fn.Properties!.Environment.Variables.OPS_CALLER_ROLES).toBe(`${roleNames.EngineerRole},${roleNames.BreakGlassRole}`);
  });

  it('a trail records every region, validates its log files and writes them KMS-encrypted to a locked-down bucket', () => {
    const trail = resource('AuditTrail');
    expect(trail.Type).toBe('AWS::CloudTrail::Trail');
    expect(trail.Properties).toMatchObject({
      TrailName: `helpshelf-${stage}-audit-trail`,
      IsLogging: true,
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      EnableLogFileValidation: true,
      S3BucketName: { Ref: 'AuditTrailBucket' },
      KMSKeyId: { 'Fn::GetAtt': ['AuditTrailKey', 'Arn'] },
    });
    expect(trail.Properties.EventSelectors).toEqual([{ ReadWriteType: 'All', IncludeManagementEvents: true }]);

    expect(resource('AuditTrailKey').Properties.EnableKeyRotation).toBe(true);
    const keyStatements: Json[] = resource('AuditTrailKey').Properties.KeyPolicy.Statement;
    const forTrail = keyStatements.find((s) => s.Sid === 'CloudTrailEncryptsThisTrailsLogs');
    expect(forTrail.Principal).toEqual({ Service: 'cloudtrail.amazonaws.com' });
    expect(JSON.stringify(forTrail.Condition)).toContain(`trail/helpshelf-${stage}-audit-trail`);

    const bucket = resource('AuditTrailBucket').Properties;
    expect(bucket.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault).toEqual({ SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': ['AuditTrailKey', 'Arn'] } });
    expect(bucket.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(Object.values(bucket.PublicAccessBlockConfiguration)).toEqual([true, true, true, true]);
    const policy: Json[] = resource('AuditTrailBucketPolicy').Properties.PolicyDocument.Statement;
    expect(policy.find((s) => s.Sid === 'DenyLogDeletion')).toMatchObject({ Effect: 'Deny', Principal: '*', Action: expect.arrayContaining(['s3:DeleteObject', 's3:DeleteObjectVersion']) });
    expect(policy.find((s) => s.Sid === 'DenyInsecureTransport')).toMatchObject({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
  });
});

describe.each(STAGES)('the break-glass alarm on stage %s', (stage) => {
  const template: CfnTemplate = loadTemplate(stage);

  it('an EventBridge rule on CloudTrail’s AssumeRole of exactly the BreakGlass role notifies the security team’s topic', () => {
    const rule = template.Resources.BreakGlassAssumedRule as Json;
    expect(rule.Type).toBe('AWS::Events::Rule');
    expect(rule.Properties.State).toBe('ENABLED');
    expect(rule.Properties.EventPattern).toEqual({
      source: ['aws.sts'],
      'detail-type': ['AWS API Call via CloudTrail'],
      detail: { eventSource: ['sts.amazonaws.com'], eventName: ['AssumeRole'], requestParameters: { roleArn: [{ 'Fn::GetAtt': ['BreakGlassRole', 'Arn'] }] } },
    });
    expect(rule.Properties.Targets).toHaveLength(1);
    expect(rule.Properties.Targets[0].Arn).toEqual({ Ref: 'SecurityAlertsTopic' });
    expect(rule.Properties.Targets[0].InputTransformer.InputTemplate).toContain(`HelpShelf ${stage}: the BreakGlass role was assumed by <who>`);
    // The topic lets EventBridge of this account publish, and mails the security team.
    const topicPolicy = template.Resources.SecurityAlertsTopicPolicy as Json;
    expect(JSON.stringify(topicPolicy.Properties.PolicyDocument)).toContain('events.amazonaws.com');
    const subscription = Object.values(template.Resources).find((r: Json) => r.Type === 'AWS::SNS::Subscription' && r.Properties?.TopicArn?.Ref === 'SecurityAlertsTopic') as Json;
    expect(subscription.Properties).toMatchObject({ Protocol: 'email', Endpoint: 'security-team@helpshelf.co' });
  });

  it('the trail that feeds the rule is logging management events', () => {
    expect((template.Resources.AuditTrail as Json).Properties).toMatchObject({ IsLogging: true, EventSelectors: [{ IncludeManagementEvents: true }] });
  });
});
