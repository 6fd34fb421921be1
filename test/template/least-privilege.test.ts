import { readFileSync } from 'node:fs';
import path from 'node:path';
import { functionModels, type CfnTemplate } from '../../scripts/lib/iam-model';
import { currentTable, renderIamTable } from '../../scripts/lib/iam-table';
import { isWildcardResource, leastPrivilegeViolations } from '../support/iam-rules';
import { ROOT } from '../support/paths';
import { loadTemplate } from '../support/template';

const template = loadTemplate() as unknown as CfnTemplate;

const logs = (fn: string) => ({
  Effect: 'Allow',
  Action: ['logs:CreateLogStream', 'logs:CreateLogGroup', 'logs:PutLogEvents'],
  Resource: [{ 'Fn::Sub': `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/${fn}:*:*` }],
});
const xray = { Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' };

/** The real template plus one function `key` whose role grants `statements` (and logs and traces unless told). */
function withFunction(key: string, statements: unknown[], options: { base?: unknown[]; tracing?: boolean } = {}): CfnTemplate {
  const copy = JSON.parse(JSON.stringify(template)) as CfnTemplate;
  const id = key[0].toUpperCase() + key.slice(1);
  const name = `helpshelf-prod-${key}`;
  copy.Resources[`${id}IamRoleLambdaExecution`] = {
    Type: 'AWS::IAM::Role',
    Properties: {
      AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: ['lambda.amazonaws.com'] }, Action: ['sts:AssumeRole'] }] },
      Policies: [{ PolicyName: 'p', PolicyDocument: { Statement: [...(options.base ?? [logs(name), xray]), ...statements] } }],
    },
  };
  copy.Resources[`${id}LambdaFunction`] = {
    Type: 'AWS::Lambda::Function',
    Properties: { FunctionName: name, Role: { 'Fn::GetAtt': [`${id}IamRoleLambdaExecution`, 'Arn'] }, TracingConfig: { Mode: options.tracing === false ? 'PassThrough' : 'Active' } },
  };
  return copy;
}

const allow = (Action: string | string[], Resource: unknown) => ({ Effect: 'Allow', Action, Resource });
const TABLE_WILDCARD = { 'Fn::Sub': 'arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/*' };

describe('least privilege: every function role in the packaged template (stage prod)', () => {
  it('finds every function and its own role', () => {
    const functions = functionModels(template);
    expect(functions.map((f) => f.key)).toEqual(expect.arrayContaining(['health', 'fallback', 'opsCustomers', 'opsAudit', 'opsInsights']));
    for (const f of functions) expect(f.role.statements.length).toBeGreaterThan(0);
  });

  it('keeps every rule: no wildcard, no Scan/Export/Decrypt where not needed, an append-only audit table, no way into ops functions but a direct invoke', () => {
    expect(leastPrivilegeViolations(template)).toEqual([]);
  });

  it('gives the ops functions only what they use', () => {
    const byKey = Object.fromEntries(functionModels(template).map((f) => [f.key, f]));
    const data = (key: string) => byKey[key].role.statements.filter((s) => !s.actions.every((a) => /^(logs|xray):/.test(a)));
    expect(data('opsAudit')).toEqual([
      expect.objectContaining({ actions: ['dynamodb:Query'], resources: ['${AuditTable.Arn}'] }),
      expect.objectContaining({ actions: ['kms:VerifyMac'], resources: ['${AuditMacKey.Arn}'] }),
      expect.objectContaining({ actions: ['s3:ListBucketVersions'], resources: ['${AuditAnchorBucket.Arn}'] }),
    ]);
    expect(data('opsInsights')).toEqual([expect.objectContaining({ actions: ['dynamodb:Scan'], resources: ['${AccountsTable.Arn}', '${IncidentsTable.Arn}'] })]);
    // customers show / factors / factor-off / erase: the accounts table (the record; the passkeys
    // and the app, removed with the credential's flag and the security event; the close and the
    // erasure), the tokens (the mark, then the erasure), the grants and access log, the audit
    // writer's grants and the ledger's digest, the owner's mail, and the parts meDelete erases
    // too (Stripe's key and the providers' secrets, connections, the revocation queue, billing's
    // tombstone, the reports kept without the person).
    const actions = data('opsCustomers').flatMap((s) => s.actions);
    expect([...new Set(actions)].sort()).toEqual([
      'dynamodb:BatchWriteItem',
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:Scan',
      'dynamodb:UpdateItem',
      'kms:Decrypt',
      'kms:GenerateDataKey',
      'kms:GenerateMac',
      's3:PutObject',
      'secretsmanager:GetSecretValue',
      'ses:SendEmail',
      'sqs:GetQueueUrl',
      'sqs:SendMessage',
    ]);
    // Scan on the incidents table only (a person's reports have no index), nothing it must not touch.
    const scans = data('opsCustomers').filter((s) => s.actions.includes('dynamodb:Scan'));
    expect(scans.map((s) => s.resources)).toEqual([['${IncidentsTable.Arn}']]);
    const touched = new Set(data('opsCustomers').flatMap((s) => s.resources));
    for (const never of ['${RateLimitsTable.Arn}', '${BackupsTable.Arn}', '${PasswordPepperSecret}']) expect(touched).not.toContain(never);
    // The credential migration: the accounts table (scan, conditional updates, no delete, no put)
    // and the audit writer's grants; nothing on the tokens or rate-limits tables.
    expect(data('opsAccountsMigration')).toEqual([
      expect.objectContaining({ actions: ['dynamodb:Scan', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'], resources: ['${AccountsTable.Arn}'] }),
      expect.objectContaining({ actions: ['dynamodb:Query', 'dynamodb:PutItem'], resources: ['${AuditTable.Arn}'] }),
      expect.objectContaining({ actions: ['kms:GenerateMac'], resources: ['${AuditMacKey.Arn}'] }),
      expect.objectContaining({ actions: ['s3:PutObject'], resources: ['${AuditAnchorBucket.Arn}/anchors/*'] }),
      expect.objectContaining({ actions: ['kms:GenerateDataKey'], resources: ['${DataKey.Arn}'] }),
    ]);
  });

  it('lets only the audit writers generate the chain MAC and write anchors; nobody may remove an anchor', () => {
    const functions = functionModels(template);
    const grants = (f: (typeof functions)[number], action: string, resource: RegExp) =>
      f.role.statements.some((s) => s.effect === 'Allow' && s.actions.includes(action) && s.resources.some((r) => resource.test(r)));
    const writers = functions.filter((f) => grants(f, 'dynamodb:PutItem', /AuditTable/)).map((f) => f.key).sort();
    expect(writers).toEqual(expect.arrayContaining(['opsCustomers', 'opsBackups', 'opsIncidents', 'opsAccountsMigration']));
    expect(functions.filter((f) => f.role.statements.some((s) => s.actions.includes('kms:GenerateMac'))).map((f) => f.key).sort()).toEqual(writers);
    expect(functions.filter((f) => grants(f, 's3:PutObject', /AuditAnchorBucket/)).map((f) => f.key).sort()).toEqual(writers);
    expect(functions.filter((f) => f.role.statements.some((s) => s.actions.includes('kms:VerifyMac'))).map((f) => f.key)).toEqual(['opsAudit']);
  });

  describe('the rules catch what they forbid (each widened role below fails)', () => {
    it.each<[string, string, unknown[], RegExp]>([
      ['a * action', 'accountsRead', [allow('*', '*')], /wildcard action \*/],
      ['a service-wide action', 'accountsRead', [allow('dynamodb:*', { 'Fn::GetAtt': ['AccountsTable', 'Arn'] })], /wildcard action dynamodb:\*/],
      ['a partial action wildcard', 'accountsRead', [allow('dynamodb:Get*', { 'Fn::GetAtt': ['AccountsTable', 'Arn'] })], /wildcard action dynamodb:Get\*/],
      ['a * resource on DynamoDB', 'accountsRead', [allow('dynamodb:GetItem', '*')], /GetItem on wildcard resource \*/],
      ['every table of the account', 'accountsRead', [allow('dynamodb:GetItem', TABLE_WILDCARD)], /wildcard resource dynamodb:table\/\*/],
      ['every table of the stage', 'accountsRead', [allow('dynamodb:GetItem', { 'Fn::Sub': 'arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/helpshelf-prod-*' })], /wildcard resource/],
      ['every bucket', 'backupsRun', [allow('s3:GetObject', 'arn:aws:s3:::*')], /wildcard resource/],
      ['every secret', 'signup', [allow('secretsmanager:GetSecretValue', { 'Fn::Sub': 'arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:*' })], /wildcard resource/],
      ['every queue', 'stripeWebhook', [allow('sqs:SendMessage', { 'Fn::Sub': 'arn:${AWS::Partition}:sqs:*:${AWS::AccountId}:helpshelf-prod-stripe-events' })], /wildcard resource/],
      ['SES on *', 'signup', [allow('ses:SendEmail', '*')], /ses:SendEmail on wildcard/],
      ['KMS on *', 'signup', [allow(['kms:Decrypt', 'secretsmanager:GetSecretValue'], '*')], /kms:Decrypt on wildcard/],
      ['a NotAction statement', 'accountsRead', [{ Effect: 'Allow', NotAction: 'iam:*', Resource: { 'Fn::GetAtt': ['AccountsTable', 'Arn'] } }], /NotAction/],
      ['Scan in a public function', 'accountsList', [allow('dynamodb:Scan', { 'Fn::GetAtt': ['AccountsTable', 'Arn'] })], /Scan outside backup and insights/],
      ['an export outside backups', 'opsInsights2', [allow('dynamodb:ExportTableToPointInTime', { 'Fn::GetAtt': ['AccountsTable', 'Arn'] })], /ExportTableToPointInTime outside backups/],
      ['kms:Decrypt with no secret to read', 'login', [allow('kms:Decrypt', { 'Fn::GetAtt': ['DataKey', 'Arn'] })], /kms:Decrypt but it reads no secret/],
      ['UpdateItem on the audit table', 'incidentsAck', [allow('dynamodb:UpdateItem', { 'Fn::GetAtt': ['AuditTable', 'Arn'] })], /UpdateItem on the audit table/],
      ['DeleteItem on the audit table', 'backupsRun', [allow(['dynamodb:DeleteItem'], { 'Fn::Sub': '${AuditTable.Arn}' })], /DeleteItem on the audit table/],
      ['BatchWriteItem on the audit table', 'backupsRun', [allow('dynamodb:BatchWriteItem', { 'Fn::GetAtt': ['AuditTable', 'Arn'] })], /BatchWriteItem on the audit table/],
      ['a PartiQL write on the audit table', 'backupsRun', [allow('dynamodb:PartiQLUpdate', { 'Fn::GetAtt': ['AuditTable', 'Arn'] })], /PartiQLUpdate on the audit table/],
      ['TTL changes on the audit table', 'backupsRun', [allow('dynamodb:UpdateTimeToLive', { 'Fn::GetAtt': ['AuditTable', 'Arn'] })], /UpdateTimeToLive on the audit table/],
      ['GenerateMac in a role that does not append to the audit log', 'opsInsights', [allow('kms:GenerateMac', { 'Fn::GetAtt': ['AuditMacKey', 'Arn'] })], /GenerateMac on AuditMacKey \(only audit writers/],
      ['GenerateMac on another key, even for an audit writer', 'opsCustomers', [allow('dynamodb:PutItem', { 'Fn::GetAtt': ['AuditTable', 'Arn'] }), allow('kms:GenerateMac', { 'Fn::GetAtt': ['DataKey', 'Arn'] })], /GenerateMac on DataKey \(only audit writers/],
      ['an anchor write outside the audit writers', 'opsInsights', [allow('s3:PutObject', { 'Fn::Sub': '${AuditAnchorBucket.Arn}/anchors/*' })], /PutObject on the audit anchor bucket but it does not append/],
      ['deleting anchors', 'opsCustomers', [allow(['s3:DeleteObject', 's3:DeleteObjectVersion'], { 'Fn::Sub': '${AuditAnchorBucket.Arn}/*' })], /DeleteObjectVersion on the audit anchor bucket/],
      ['bypassing the lock', 'backupsRun', [allow('s3:BypassGovernanceRetention', { 'Fn::Sub': '${AuditAnchorBucket.Arn}/*' })], /BypassGovernanceRetention on the audit anchor bucket/],
      ['changing the lock configuration', 'backupsRun', [allow('s3:PutBucketObjectLockConfiguration', { 'Fn::GetAtt': ['AuditAnchorBucket', 'Arn'] })], /PutBucketObjectLockConfiguration on the audit anchor bucket/],
      ['logs on another function\'s group', 'accountsRead', [logs('helpshelf-prod-health')], /only its own log group/],
    ])('%s', (_label, key, statements, message) => {
      expect(leastPrivilegeViolations(withFunction(key, statements))).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
    });

    it('a traced function whose role cannot write traces', () => {
      expect(leastPrivilegeViolations(withFunction('accountsRead', [], { base: [logs('helpshelf-prod-accountsRead')] }))).toEqual([expect.stringMatching(/Active tracing without xray/)]);
    });

    it('an ops function reachable over HTTP', () => {
      const t = withFunction('opsSecrets', []);
      t.Resources.OpsSecretsMethod = {
        Type: 'AWS::ApiGateway::Method',
        Properties: { HttpMethod: 'POST', ResourceId: { Ref: 'ApiGatewayResourceV1Health' }, Integration: { Uri: { 'Fn::Join': ['', ['arn:aws:apigateway:', { 'Fn::GetAtt': ['OpsSecretsLambdaFunction', 'Arn'] }, '/invocations']] } } },
      };
      t.Resources.OpsSecretsLambdaPermissionApiGateway = {
        Type: 'AWS::Lambda::Permission',
        Properties: { FunctionName: { 'Fn::GetAtt': ['OpsSecretsLambdaFunction', 'Arn'] }, Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com' },
      };
      expect(leastPrivilegeViolations(t)).toEqual([
        expect.stringMatching(/opsSecrets: an ops function with trigger "HTTP POST \/v1\/health"/),
        expect.stringMatching(/opsSecrets: OpsSecretsLambdaPermissionApiGateway lets apigateway.amazonaws.com invoke an ops function/),
      ]);
    });

    it('while what is needed stays allowed', () => {
      const ok = withFunction('backupsRun', [
        allow(['dynamodb:ExportTableToPointInTime', 'dynamodb:Scan'], { 'Fn::GetAtt': ['AccountsTable', 'Arn'] }),
        allow('dynamodb:DescribeExport', { 'Fn::Sub': '${AccountsTable.Arn}/export/*' }),
        allow(['s3:GetObject', 's3:PutObject'], { 'Fn::Sub': '${BackupsBucket.Arn}/*' }),
        allow(['kms:Decrypt', 'kms:GenerateDataKey'], { 'Fn::GetAtt': ['DataKey', 'Arn'] }),
        allow('dynamodb:PutItem', { 'Fn::GetAtt': ['AuditTable', 'Arn'] }),
        allow('dynamodb:Query', { 'Fn::Sub': '${AccountsTable.Arn}/index/gsi1' }),
        allow('secretsmanager:GetSecretValue', { 'Fn::Sub': 'arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:helpshelf/prod/stripe-webhook-??????' }),
      ]);
      expect(leastPrivilegeViolations(ok)).toEqual([]);
    });
  });

  it('judges wildcard resources by whether they stay inside one named resource', () => {
    expect(['*', 'arn:aws:dynamodb:*:1:table/x', 'arn:aws:s3:::*', 'arn:aws:s3:::help*/x', 'arn:aws:dynamodb:eu-west-1:1:table/*'].map(isWildcardResource)).toEqual([true, true, true, true, true]);
    expect(['${BackupsBucket.Arn}/*', '${AccountsTable.Arn}/index/*', 'arn:aws:s3:::helpshelf-backups/*', 'arn:aws:dynamodb:eu-west-1:1:table/t/index/*', '${AccountsTable.Arn}'].map(isWildcardResource)).toEqual([false, false, false, false, false]);
  });
});

describe('docs/access.md', () => {
  it('carries the function → trigger → may-touch table generated from this template (run `npm run iam-table` when this fails)', () => {
    const document = readFileSync(path.join(ROOT, 'docs/access.md'), 'utf8');
    expect(currentTable(document)).toBe(renderIamTable(template));
  });
});
