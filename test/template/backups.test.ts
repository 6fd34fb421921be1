import { functionRoles, loadTemplate, resourcesOfType } from '../support/template';

const template = loadTemplate();
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { TABLES } = require('../../sls/resources/tables.js') as { TABLES: unknown[] };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };
const actions = (s: Statement) => ([] as string[]).concat(s.Action);
const BACKUP_FUNCTIONS = ['BackupsExportLambdaFunction', 'BackupsTrackLambdaFunction', 'BackupsRestoreDrillLambdaFunction', 'OpsBackupsLambdaFunction'];

function schedulesOf(functionId: string): Array<{ expression: string; input?: unknown }> {
  return resourcesOfType(template, 'AWS::Events::Rule')
    .filter(([, rule]) => (rule.Properties!.Targets as Array<{ Arn: { 'Fn::GetAtt': string[] } }>).some((t) => t.Arn['Fn::GetAtt']?.[0] === functionId))
    .map(([, rule]) => {
      const target = (rule.Properties!.Targets as Array<{ Input?: string }>)[0];
      return { expression: rule.Properties!.ScheduleExpression as string, input: target.Input ? JSON.parse(target.Input) : undefined };
    });
}

describe('the packaged template: backups (stage prod)', () => {
  it('schedules a daily full export, a 4-hourly incremental export, the tracker and the weekly restore drill', () => {
    expect(schedulesOf('BackupsExportLambdaFunction')).toEqual(
      expect.arrayContaining([
        { expression: 'cron(30 1 * * ? *)', input: { type: 'full' } },
        { expression: 'cron(15 0/4 * * ? *)', input: { type: 'incremental' } },
      ]),
    );
    expect(schedulesOf('BackupsTrackLambdaFunction')).toEqual([{ expression: 'rate(15 minutes)', input: undefined }]);
    expect(schedulesOf('BackupsRestoreDrillLambdaFunction')).toEqual(
      expect.arrayContaining([
        { expression: 'cron(0 4 ? * SUN *)', input: { job: 'start' } },
        { expression: 'rate(10 minutes)', input: { job: 'advance' } },
      ]),
    );
    for (const [, rule] of resourcesOfType(template, 'AWS::Events::Rule')) expect(rule.Properties!.State).toBe('ENABLED');
  });

  it('gives every table PITR with 35 days, KMS with the stage key and deletion protection, and tags the critical ones', () => {
    const tables = resourcesOfType(template, 'AWS::DynamoDB::Table');
    for (const [id, t] of tables) {
      expect({ id, pitr: t.Properties!.PointInTimeRecoverySpecification, sse: t.Properties!.SSESpecification.KMSMasterKeyId, protection: t.Properties!.DeletionProtectionEnabled }).toEqual({
        id,
        pitr: { PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays: 35 },
        sse: { Ref: 'DataKey' },
        protection: true,
      });
    }
    const critical = tables.filter(([, t]) => (t.Properties!.Tags as Array<{ Key: string; Value: string }>).some((tag) => tag.Key === 'backup-tier' && tag.Value === 'critical')).map(([id]) => id);
    expect(critical).toEqual(expect.arrayContaining(['AccountsTable', 'TokensTable', 'BillingTable']));
  });

  it('keeps the backups bucket versioned, KMS-encrypted with the stage key, private, TLS-only, retained, with lifecycle', () => {
    const bucket = template.Resources.BackupsBucket;
    expect(bucket.DeletionPolicy).toBe('Retain');
    const p = bucket.Properties!;
    expect(p.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(p.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault).toEqual({ SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': ['DataKey', 'Arn'] } });
    expect(p.LifecycleConfiguration.Rules[0]).toMatchObject({ Status: 'Enabled', Transitions: [{ StorageClass: 'GLACIER_IR' }] });
    const policy = template.Resources.BackupsBucketPolicy.Properties!.PolicyDocument.Statement as Statement[];
    expect(policy).toContainEqual(expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
  });

  it('alarms to the ops address and the security team when backups are stale, an export fails or a drill fails', () => {
    const alarms = Object.fromEntries(
      resourcesOfType(template, 'AWS::CloudWatch::Alarm')
        .filter(([, a]) => a.Properties!.Namespace === 'HelpShelf/Backups')
        .map(([, a]) => [a.Properties!.MetricName, a.Properties!]),
    );
    expect(alarms.StaleTables).toMatchObject({ Namespace: 'HelpShelf/Backups', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'breaching', AlarmActions: [{ Ref: 'BackupAlarmTopic' }, { Ref: 'SecurityAlertsTopic' }] });
    expect(alarms.ExportsFailed).toMatchObject({ Namespace: 'HelpShelf/Backups', Statistic: 'Sum', AlarmActions: [{ Ref: 'BackupAlarmTopic' }, { Ref: 'SecurityAlertsTopic' }] });
    expect(alarms.RestoreDrillFailures).toMatchObject({ Namespace: 'HelpShelf/Backups', AlarmActions: [{ Ref: 'BackupAlarmTopic' }, { Ref: 'SecurityAlertsTopic' }] });
    for (const alarm of Object.values(alarms) as Array<{ Dimensions: unknown }>) expect(alarm.Dimensions).toEqual([{ Name: 'Stage', Value: 'prod' }]);
    expect(template.Resources.BackupAlarmOpsSubscription.Properties).toEqual({ TopicArn: { Ref: 'BackupAlarmTopic' }, Protocol: 'email', Endpoint: 'ops@helpshelf.co' });
  });

  it('lets only the backup functions export, import, restore or Scan, and never on a wildcard resource', () => {
    const guarded = ['dynamodb:ExportTableToPointInTime', 'dynamodb:Scan', 'dynamodb:ImportTable', 'dynamodb:RestoreTableToPointInTime', 'dynamodb:DeleteTable'];
    for (const role of functionRoles(template)) {
      for (const statement of role.statements) {
        const granted = actions(statement).filter((a) => guarded.includes(a));
        // Issue 7 lets insights Scan too (aggregates only), issue 13 the one-off credential
        // migration (the accounts table only), issue 25 the data-rights functions (a person's
        // security reports, the incidents table only; `customers erase` is the same deletion); nothing else outside backups.
        const scansIncidentsOnly = JSON.stringify(statement.Resource).includes('IncidentsTable') && !JSON.stringify(statement.Resource).includes('index');
        const scanOnly =
          (['OpsInsightsLambdaFunction', 'OpsAccountsMigrationLambdaFunction'].includes(role.functionId) ||
            (['MeExportLambdaFunction', 'MeDeleteLambdaFunction', 'OpsCustomersLambdaFunction'].includes(role.functionId) && scansIncidentsOnly)) &&
          granted.every((a) => a === 'dynamodb:Scan');
        if (granted.length > 0) expect({ fn: role.functionId, granted, backup: BACKUP_FUNCTIONS.includes(role.functionId) || scanOnly }).toEqual({ fn: role.functionId, granted, backup: true });
        if (BACKUP_FUNCTIONS.includes(role.functionId) && !actions(statement).every((a) => a.startsWith('logs:') || a.startsWith('xray:'))) {
          expect({ fn: role.functionId, resource: statement.Resource }).not.toEqual({ fn: role.functionId, resource: '*' });
          expect(actions(statement).some((a) => a.endsWith(':*'))).toBe(false);
        }
      }
    }
    const exporter = functionRoles(template).find((r) => r.functionId === 'BackupsExportLambdaFunction')!;
    const exportStatement = exporter.statements.find((s) => actions(s).includes('dynamodb:ExportTableToPointInTime'))!;
    // Every table of the one list (sls/resources/tables.js), the access grants' table included.
    expect(exportStatement.Resource).toHaveLength(TABLES.length);
    expect(exporter.statements.flatMap(actions)).not.toContain('dynamodb:Scan');
    // Scratch and restored tables are reachable only under their own prefixes.
    const drill = functionRoles(template).find((r) => r.functionId === 'BackupsRestoreDrillLambdaFunction')!;
    const scan = drill.statements.find((s) => actions(s).includes('dynamodb:Scan'))!;
    expect(JSON.stringify(scan.Resource)).toContain('table/helpshelf-prod-drill-*');
  });
});
