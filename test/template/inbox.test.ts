import { functionRoles, loadTemplate, resourcesOfType } from '../support/template';

// The deployed path of the security inbox (stage prod): SES receipt rule → inbound bucket → the
// intake function, each piece with only the access it needs.
const template = loadTemplate();
const R = template.Resources;
type Statement = { Sid?: string; Effect: string; Principal?: unknown; Action: string | string[]; Resource: unknown; Condition?: Record<string, Record<string, unknown>> };
const actions = (s: Statement) => ([] as string[]).concat(s.Action);
const text = (v: unknown) => JSON.stringify(v);

describe('the packaged template: security inbox (stage prod)', () => {
  it('receives mail for security@helpshelf.co with spam and virus scanning, TLS required, into the bucket under inbound/', () => {
    const [[, ruleSet]] = resourcesOfType(template, 'AWS::SES::ReceiptRuleSet');
    expect(ruleSet.Properties).toEqual({ RuleSetName: 'helpshelf-prod-inbound' });
    const rules = resourcesOfType(template, 'AWS::SES::ReceiptRule');
    expect(rules).toHaveLength(1);
    const [, rule] = rules[0];
    expect(rule.Properties!.RuleSetName).toEqual({ Ref: 'InboundReceiptRuleSet' });
    expect(rule.Properties!.Rule).toEqual({
      Name: 'helpshelf-prod-security-inbox',
      Enabled: true,
      ScanEnabled: true,
      TlsPolicy: 'Require',
      Recipients: ['security@helpshelf.co'],
      Actions: [{ S3Action: { BucketName: { Ref: 'InboundBucket' }, ObjectKeyPrefix: 'inbound/' } }],
    });
    expect(([] as string[]).concat(rule.DependsOn as string[])).toContain('InboundBucketPolicy');
  });

  it('keeps the inbound bucket KMS-encrypted with the stage key, versioned, private, retained, with a lifecycle per prefix', () => {
    const p = R.InboundBucket.Properties!;
    expect(R.InboundBucket.DeletionPolicy).toBe('Retain');
    expect(p.BucketName).toBe('helpshelf-prod-inbound-eu-west-1');
    expect(p.BucketEncryption.ServerSideEncryptionConfiguration[0]).toEqual({ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': ['DataKey', 'Arn'] } }, BucketKeyEnabled: true });
    expect(p.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(p.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(p.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    const rules = p.LifecycleConfiguration.Rules as Array<Record<string, unknown>>;
    expect(rules.map((r) => [r.Prefix, r.Status, Number(r.ExpirationInDays)])).toEqual([
      ['inbound/', 'Enabled', 730],
      ['attachments/', 'Enabled', 730],
    ]);
    for (const r of rules) expect(r).toMatchObject({ NoncurrentVersionExpiration: { NoncurrentDays: 30 }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } });
  });

  it('lets SES write only under inbound/, only from this account\'s receipt rule, and denies every request without TLS', () => {
    const statements = R.InboundBucketPolicy.Properties!.PolicyDocument.Statement as Statement[];
    expect(R.InboundBucketPolicy.Properties!.Bucket).toEqual({ Ref: 'InboundBucket' });
    const deny = statements.find((s) => s.Effect === 'Deny')!;
    expect(deny).toMatchObject({ Principal: '*', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
    const allows = statements.filter((s) => s.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    const [ses] = allows;
    expect(ses.Principal).toEqual({ Service: 'ses.amazonaws.com' });
    expect(actions(ses)).toEqual(['s3:PutObject']);
    expect(text(ses.Resource)).toContain('${InboundBucket.Arn}/inbound/*');
    expect(ses.Condition!.StringEquals).toEqual({ 'aws:SourceAccount': { Ref: 'AWS::AccountId' } });
    expect(text(ses.Condition!.ArnLike['aws:SourceArn'])).toContain('receipt-rule-set/helpshelf-prod-inbound:receipt-rule/helpshelf-prod-security-inbox');
  });

  it("lets SES use the stage key to write the encrypted objects, for this account only", () => {
    const statements = R.DataKey.Properties!.KeyPolicy.Statement as Statement[];
    const services = statements.filter((s) => text(s.Principal).includes('ses.amazonaws.com'));
    expect(services).toHaveLength(1);
    expect(actions(services[0])).toEqual(expect.arrayContaining(['kms:GenerateDataKey*']));
    expect(services[0].Condition).toEqual({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } });
  });

  it('runs receiveSecurityMail on objects created under inbound/, invocable by S3 for this bucket and account only', () => {
    expect(R.InboundBucket.Properties!.NotificationConfiguration).toEqual({
      LambdaConfigurations: [{ Event: 's3:ObjectCreated:*', Filter: { S3Key: { Rules: [{ Name: 'prefix', Value: 'inbound/' }] } }, Function: { 'Fn::GetAtt': ['ReceiveSecurityMailLambdaFunction', 'Arn'] } }],
    });
    expect(([] as string[]).concat(R.InboundBucket.DependsOn as string[])).toContain('ReceiveSecurityMailInvokePermission');
    const permission = R.ReceiveSecurityMailInvokePermission.Properties!;
    expect(permission).toMatchObject({ Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com', SourceAccount: { Ref: 'AWS::AccountId' } });
    expect(text(permission.SourceArn)).toContain(':s3:::helpshelf-prod-inbound-eu-west-1');
    const fn = R.ReceiveSecurityMailLambdaFunction.Properties!;
    expect(fn.Environment.Variables).toMatchObject({ INBOUND_BUCKET: 'helpshelf-prod-inbound-eu-west-1', SECURITY_INBOX_EMAIL: 'security@helpshelf.co', INBOX_REQUIRE_VERDICTS: 'true' });
    expect(fn.ReservedConcurrentExecutions).toBe(5);
    const [, invokeConfig] = resourcesOfType(template, 'AWS::Lambda::EventInvokeConfig').find(([, c]) => text(c.Properties!.FunctionName).includes('ReceiveSecurityMail'))!;
    expect(invokeConfig.Properties!.MaximumRetryAttempts).toBe(2);
  });

  it('gives receiveSecurityMail exactly: read inbound/, write attachments/, the key, the incidents table items, the rate counter, mail from the domain, and its failures queue', () => {
    const role = functionRoles(template).find((r) => r.functionId === 'ReceiveSecurityMailLambdaFunction')!;
    const data = (role.statements as Statement[]).filter((s) => !actions(s).every((a) => /^(logs|xray):/.test(a)));
    const grants = data.map((s) => [actions(s).sort().join(','), text(s.Resource)]);
    expect(grants).toEqual([
      ['s3:GetObject', expect.stringContaining('helpshelf-prod-inbound-eu-west-1/inbound/*')],
      ['s3:PutObject', expect.stringContaining('helpshelf-prod-inbound-eu-west-1/attachments/*')],
      ['kms:Decrypt,kms:GenerateDataKey', text({ 'Fn::GetAtt': ['DataKey', 'Arn'] })],
      ['dynamodb:BatchGetItem,dynamodb:GetItem,dynamodb:PutItem,dynamodb:UpdateItem', text({ 'Fn::GetAtt': ['IncidentsTable', 'Arn'] })],
      ['dynamodb:UpdateItem', text({ 'Fn::GetAtt': ['RateLimitsTable', 'Arn'] })],
      ['ses:SendEmail,ses:SendRawEmail', expect.stringContaining(':identity/helpshelf.co')],
      ['sqs:SendMessage', text({ 'Fn::GetAtt': ['InboxFailuresQueue', 'Arn'] })],
    ]);
  });

  it('uses the helpshelf.co domain for mail and security.txt, and sends the team its alerts away from the inbox address', () => {
    expect(resourcesOfType(template, 'AWS::SES::EmailIdentity').map(([, r]) => r.Properties!.EmailIdentity)).toEqual(['helpshelf.co']);
    const securityTxt = R.SecurityTxtLambdaFunction.Properties!.Environment.Variables;
    expect(securityTxt.SECURITY_CONTACTS).toMatch(/^mailto:security@helpshelf\.co,https:\/\/helpshelf\.co\/security$/);
    const env = R.CreateIncidentLambdaFunction.Properties!.Environment.Variables;
    expect(env).toMatchObject({ SECURITY_TEAM_EMAIL: 'security-team@helpshelf.co', SUPPORT_EMAIL: 'support@helpshelf.co', MAIL_FROM: 'HelpShelf <no-reply@helpshelf.co>' });
  });
});
