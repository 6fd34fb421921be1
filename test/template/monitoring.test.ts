import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../support/paths';
import { loadTemplate } from '../support/template';

const template = loadTemplate();
const R = template.Resources;

describe('monitoring (stage prod)', () => {
  it("sends alerts to the security team through an SNS topic encrypted with the stage key", () => {
    expect(R.SecurityAlertsTopic.Type).toBe('AWS::SNS::Topic');
    expect(R.SecurityAlertsTopic.Properties!.KmsMasterKeyId).toEqual({ Ref: 'DataKey' });
    expect(R.SecurityAlertsTeamSubscription.Properties).toEqual({
      TopicArn: { Ref: 'SecurityAlertsTopic' },
      Protocol: 'email',
      Endpoint: 'security-team@helpshelf.co',
    });
  });

  it('lets only this account\'s alarms and rules publish, over TLS, and use the key for it', () => {
    const statements = R.SecurityAlertsTopicPolicy.Properties!.PolicyDocument.Statement as Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(statements.find((s) => s.Effect === 'Deny')!.Condition).toEqual({ Bool: { 'aws:SecureTransport': 'false' } });
    const allow = statements.filter((s) => s.Effect === 'Allow');
    expect(allow).toHaveLength(1);
    expect(allow[0]).toMatchObject({ Action: 'sns:Publish', Principal: { Service: ['cloudwatch.amazonaws.com', 'events.amazonaws.com'] } });
    expect(allow[0].Condition).toEqual({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } });
    const keyStatements = R.DataKey.Properties!.KeyPolicy.Statement as Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const publishers = keyStatements.find((s) => JSON.stringify(s.Principal).includes('cloudwatch.amazonaws.com'))!;
    expect([...publishers.Action].sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
    expect(publishers.Condition).toEqual({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } });
  });
});

const ofType = (type: string) => Object.entries(R).filter(([, r]) => r.Type === type);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const alarms: Array<Record<string, any>> = ofType('AWS::CloudWatch::Alarm').map(([id, r]) => ({ id, ...r.Properties }));
const refId = (value: unknown): string | undefined => {
  const v = value as { Ref?: string; 'Fn::GetAtt'?: [string, string] } | undefined;
  return v?.Ref ?? v?.['Fn::GetAtt']?.[0];
};
const queueName = (id: string) => R[id].Properties!.QueueName as string;
/** Alarms that fire on the first visible message of queue `name`. */
const dlqAlarms = (name: string) =>
  alarms.filter((a) => a.Namespace === 'AWS/SQS' && a.MetricName === 'ApproximateNumberOfMessagesVisible' && a.Dimensions?.[0]?.Value === name && a.Threshold <= 1);

/** Every dead-letter queue with what feeds it and how long the source keeps a message. */
function deadLetterQueues() {
  const found: Array<{ dlq: string; source: string; sourceRetention: number }> = [];
  for (const [id, q] of ofType('AWS::SQS::Queue')) {
    const target = refId(q.Properties!.RedrivePolicy?.deadLetterTargetArn);
    if (target) found.push({ dlq: target, source: id, sourceRetention: Number(q.Properties!.MessageRetentionPeriod ?? 345600) });
  }
  for (const [id, c] of ofType('AWS::Lambda::EventInvokeConfig')) {
    const target = refId(c.Properties!.DestinationConfig?.OnFailure?.Destination);
    // An asynchronous event lives at most MaximumEventAgeInSeconds (6 hours unless set).
    if (target) found.push({ dlq: target, source: id, sourceRetention: Number(c.Properties!.MaximumEventAgeInSeconds ?? 21600) });
  }
  return found;
}

describe('failures nobody would see (stage prod)', () => {
  const ASYNC = ['ReceiveSecurityMail', 'EscalateIncidents', 'BackupsExport', 'BackupsTrack', 'BackupsRestoreDrill'];

  it.each(ASYNC)('%s sends what failed twice or aged out to a KMS-encrypted queue its role may write to', (fn) => {
    const config = ofType('AWS::Lambda::EventInvokeConfig').find(([, c]) => refId(c.Properties!.FunctionName) === `${fn}LambdaFunction`);
    expect(config).toBeDefined();
    const target = refId(config![1].Properties!.DestinationConfig.OnFailure.Destination)!;
    expect(R[target].Type).toBe('AWS::SQS::Queue');
    expect(R[target].Properties!.KmsMasterKeyId).toEqual({ Ref: 'DataKey' });
    const role = R[`${fn}IamRoleLambdaExecution`].Properties!.Policies.flatMap((p: { PolicyDocument: { Statement: unknown[] } }) => p.PolicyDocument.Statement) as Array<{ Action: string[]; Resource: unknown }>;
    expect(role.some((s) => s.Action.includes('sqs:SendMessage') && refId(s.Resource) === target)).toBe(true);
    expect(role.some((s) => s.Action.includes('kms:GenerateDataKey') && refId(s.Resource) === 'DataKey')).toBe(true);
  });

  it('alarms on every dead-letter queue, which keeps messages longer than its source', () => {
    const dlqs = deadLetterQueues();
    expect(dlqs.map((d) => d.dlq).sort()).toEqual(
      expect.arrayContaining(['StripeEventsDlq', 'ConnectionRevocationsDlq', 'InboxFailuresQueue', 'ScheduledJobsFailuresQueue']),
    );
    for (const { dlq, source, sourceRetention } of dlqs) {
      expect({ dlq, alarmed: dlqAlarms(queueName(dlq)).length > 0 }).toEqual({ dlq, alarmed: true });
      expect({ dlq, source, longer: Number(R[dlq].Properties!.MessageRetentionPeriod) > sourceRetention }).toEqual({ dlq, source, longer: true });
    }
  });

  it('encrypts every queue with the stage key, never SSE-SQS, and refuses requests without TLS', () => {
    const queues = ofType('AWS::SQS::Queue');
    expect(queues.length).toBeGreaterThanOrEqual(6);
    const policies = ofType('AWS::SQS::QueuePolicy');
    for (const [id, q] of queues) {
      expect({ id, key: q.Properties!.KmsMasterKeyId, sqsManaged: q.Properties!.SqsManagedSseEnabled }).toEqual({ id, key: { Ref: 'DataKey' }, sqsManaged: undefined });
      const denies = policies
        .filter(([, p]) => (p.Properties!.Queues as unknown[]).some((q2) => refId(q2) === id))
        .flatMap(([, p]) => p.Properties!.PolicyDocument.Statement as Array<Record<string, any>>) // eslint-disable-line @typescript-eslint/no-explicit-any
        .filter((s) => s.Effect === 'Deny' && s.Principal === '*' && s.Action === 'sqs:*' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false')
        .filter((s) => ([] as unknown[]).concat(s.Resource).some((r) => refId(r) === id));
      expect({ id, denies: denies.length }).toEqual({ id, denies: 1 });
    }
  });
});

describe('alarms (stage prod)', () => {
  const functionNames = ofType('AWS::Lambda::Function').map(([, f]) => f.Properties!.FunctionName as string);
  const watching = (namespace: string, metric: string, dimension: string, value: string) =>
    alarms.filter((a) => a.Namespace === namespace && a.MetricName === metric && a.Dimensions?.some((d: { Name: string; Value: string }) => d.Name === dimension && d.Value === value));

  /** The metrics (namespace/name/dimension value) an alarm watches, directly or summed by metric math. */
  const watched = (a: Record<string, any>): string[] => // eslint-disable-line @typescript-eslint/no-explicit-any
    a.Metrics
      ? a.Metrics.filter((m: { MetricStat?: unknown }) => m.MetricStat).map(
          (m: { MetricStat: { Metric: { Namespace: string; MetricName: string; Dimensions: Array<{ Value: string }> } } }) =>
            `${m.MetricStat.Metric.Namespace}/${m.MetricStat.Metric.MetricName}/${m.MetricStat.Metric.Dimensions[0].Value}`,
        )
      : [`${a.Namespace}/${a.MetricName}/${a.Dimensions?.[0]?.Value}`];
  /** Alarms that fire when `metric` (summed with the others it watches) reaches 1. */
  const alarmsOn = (metric: string) =>
    alarms.filter((a) => watched(a).includes(metric) && a.Threshold === 1 && a.ComparisonOperator === 'GreaterThanOrEqualToThreshold' && (!a.Metrics || a.Metrics.find((m: { ReturnData: boolean }) => m.ReturnData).Expression === 'SUM(METRICS())'));

  /** The FunctionName of each function metric an alarm sums (metric math), by metric name. */
  const functionsWatched = (a: Record<string, any>, metric: string): string[] => // eslint-disable-line @typescript-eslint/no-explicit-any
    (a.Metrics ?? [])
      .filter((m: { MetricStat?: { Metric: { Namespace: string; MetricName: string } } }) => m.MetricStat?.Metric.Namespace === 'AWS/Lambda' && m.MetricStat.Metric.MetricName === metric)
      .map((m: { MetricStat: { Metric: { Dimensions: Array<{ Name: string; Value: string }> } } }) => {
        expect(m.MetricStat.Metric.Dimensions).toEqual([{ Name: 'FunctionName', Value: expect.any(String) }]);
        return m.MetricStat.Metric.Dimensions[0].Value;
      });

  it("alarms on every function's Errors and Throttles by its name (at the first one), and names it in the alarm's description", () => {
    expect(functionNames.length).toBeGreaterThanOrEqual(40);
    // Nothing account-wide: another stack's functions do not raise this stage's alarms.
    expect(alarms.filter((a) => a.Namespace === 'AWS/Lambda' && !a.Dimensions?.some((d: { Name: string }) => d.Name === 'FunctionName')).map((a) => a.id)).toEqual([]);
    for (const metric of ['Errors', 'Throttles']) {
      const covering = alarms.filter((a) => functionsWatched(a, metric).length > 0);
      for (const name of functionNames) {
        const found = covering.filter((a) => functionsWatched(a, metric).includes(name));
        expect({ metric, name, alarms: found.length }).toEqual({ metric, name, alarms: 1 });
        expect({ metric, name, described: found[0].AlarmDescription.split(/[ ,]+/).includes(name) }).toEqual({ metric, name, described: true });
      }
      for (const a of covering) {
        // The alarm watches only this stage's functions, and fires on the first error (throttle) of any of them.
        expect({ alarm: a.id, strangers: functionsWatched(a, metric).filter((n) => !functionNames.includes(n)) }).toEqual({ alarm: a.id, strangers: [] });
        expect(a).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching' });
        expect(a.Metrics.filter((m: { ReturnData: boolean }) => m.ReturnData)).toEqual([expect.objectContaining({ Expression: 'SUM(METRICS())' })]);
        for (const m of a.Metrics.filter((q: { MetricStat?: unknown }) => q.MetricStat)) expect(m.MetricStat).toMatchObject({ Stat: 'Sum', Period: 60 });
      }
    }
    // Metric math reads at most 10 metrics (and 10 expressions) per alarm; a description takes 1024 characters.
    for (const a of alarms) {
      const stats = (a.Metrics ?? []).filter((m: { MetricStat?: unknown }) => m.MetricStat).length;
      const expressions = (a.Metrics ?? []).filter((m: { Expression?: unknown }) => m.Expression).length;
      expect({ alarm: a.id, stats: stats <= 10, expressions: expressions <= 10, description: a.AlarmDescription.length <= 1024 }).toEqual({ alarm: a.id, stats: true, expressions: true, description: true });
    }
  });

  it('alarms on throttled reads and writes of every table', () => {
    const tables = ofType('AWS::DynamoDB::Table').map(([, t]) => t.Properties!.TableName as string);
    expect(tables.length).toBeGreaterThanOrEqual(8);
    for (const table of tables) {
      for (const kind of ['Read', 'Write']) expect({ table, kind, alarms: alarmsOn(`AWS/DynamoDB/${kind}ThrottleEvents/${table}`).length }).toEqual({ table, kind, alarms: 1 });
    }
  });

  // CloudFormation's hard limit (cfn-lint's E3010 says the same); ~65 functions use most of it:
  // the next functions need room made (a nested stack, or fewer resources per function).
  it('stays within CloudFormation\'s 500 resources per stack', () => {
    expect(Object.keys(R).length).toBeLessThanOrEqual(500);
  });

  it("alarms on the API's 5XX, the WAF's blocked requests, failed logins and rejected webhooks", () => {
    const api = R.ApiGatewayRestApi.Properties!.Name as string;
    expect(watching('AWS/ApiGateway', '5XXError', 'ApiName', api).filter((a) => a.Dimensions.some((d: { Name: string; Value: string }) => d.Name === 'Stage' && d.Value === 'prod'))).toHaveLength(1);
    expect(watching('AWS/WAFV2', 'BlockedRequests', 'WebACL', R.ApiWebAcl.Properties!.Name)).toHaveLength(1);
    // The metrics the code emits (lib/platform/metrics.ts): namespace HelpShelf, dimension Stage.
    expect(watching('HelpShelf', 'LoginFailed', 'Stage', 'prod')).toHaveLength(1);
    expect(watching('HelpShelf', 'WebhookRejected', 'Stage', 'prod')).toHaveLength(1);
  });

  it('sends every alarm to the security team, and encrypts every topic', () => {
    for (const a of alarms) expect({ alarm: a.id, toTeam: (a.AlarmActions ?? []).some((x: unknown) => refId(x) === 'SecurityAlertsTopic') }).toEqual({ alarm: a.id, toTeam: true });
    for (const [id, topic] of ofType('AWS::SNS::Topic')) expect({ id, key: topic.Properties!.KmsMasterKeyId }).toEqual({ id, key: { Ref: 'DataKey' } });
  });

  it("gives every alarm its runbook line of docs/operations.md as description", () => {
    const doc = readFileSync(path.join(ROOT, 'docs/operations.md'), 'utf8');
    const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const names = (pattern: string) => `${pattern}(, ${pattern})*`;
    const lines = doc
      .split('\n')
      .filter((l) => l.startsWith('| `'))
      .map((l) => l.split(' | ')[1]?.replace(/ \|$/, ''))
      .filter(Boolean)
      .map((text) => new RegExp(`^${escape(text).replace(/<functions>/g, names('helpshelf-prod-[A-Za-z0-9]+')).replace(/<tables>/g, names('helpshelf-prod-[a-z0-9-]+'))}$`));
    expect(lines.length).toBeGreaterThanOrEqual(12);
    for (const a of alarms) expect({ alarm: a.id, documented: lines.some((re) => re.test(a.AlarmDescription)) }).toEqual({ alarm: a.id, documented: true });
    // EventBridge rules that alert the team (the KMS changes, the break-glass role) carry theirs too.
    const rules = ofType('AWS::Events::Rule').filter(([, r]) => JSON.stringify(r.Properties!.Targets ?? []).includes('SecurityAlertsTopic'));
    expect(rules.length).toBeGreaterThanOrEqual(1);
    for (const [id, r] of rules) expect({ rule: id, documented: lines.some((re) => re.test(r.Properties!.Description)) }).toEqual({ rule: id, documented: true });
  });
});

describe('logs (stage prod)', () => {
  it('encrypts every log group with the stage key', () => {
    const groups = ofType('AWS::Logs::LogGroup');
    expect(groups.length).toBeGreaterThanOrEqual(50);
    for (const [id, g] of groups) expect({ id, key: g.Properties!.KmsKeyId }).toEqual({ id, key: { 'Fn::GetAtt': ['DataKey', 'Arn'] } });
    const logs = (R.DataKey.Properties!.KeyPolicy.Statement as Array<Record<string, any>>).find((s) => JSON.stringify(s.Principal).includes('logs.')); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(logs!.Condition.ArnLike['kms:EncryptionContext:aws:logs:arn']).toEqual({ 'Fn::Sub': 'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*' });
  });
});
