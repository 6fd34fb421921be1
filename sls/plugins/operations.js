'use strict';

/**
 * What every function, table and log group of a deployed stage gets, whoever adds it (issue 27):
 * applied to the compiled template, so a function or table added tomorrow is covered without a
 * list to keep in step.
 *   - every log group is encrypted with the stage key (DataKey);
 *   - every function's Errors and Throttles are alarmed;
 *   - every table's throttled reads and writes are alarmed;
 *   - a policy change, grant or scheduled deletion on any key raises an alert (EventBridge);
 *   - a function whose environment resolves the origin secret depends on it (first deploy).
 * Every alarm notifies the security team (SecurityAlertsTopic, sls/resources/monitoring.yml) and
 * its description is the runbook line of docs/operations.md with the names filled in
 * (test/template/monitoring.test.ts holds the two together).
 */
const TOPIC = 'SecurityAlertsTopic';

const RUNBOOK = {
  functionErrors:
    "A function failed (an unhandled error or a timeout). The metric's graph by FunctionName shows which; search its log group /aws/lambda/<name> for the error and its request id; fix or roll back. A failed asynchronous event is in its failures queue (docs/operations.md).",
  functionThrottles:
    "A function was throttled: requests or events were refused for lack of concurrency. The metric's graph by FunctionName shows which; check the WAF and API alarms for a flood; raise its reserved concurrency or the account limit if the load is real (docs/operations.md).",
  keyChanges:
    'A key policy was rewritten, a grant created or a key scheduled for deletion on a key of the stage. Check the CloudTrail event (who, which key): expected only from a deploy or restore drill (DynamoDB grants) or a break-glass session; otherwise revert the policy with the break-glass role and cancel any deletion (docs/operations.md).',
  tableThrottles: (tables) =>
    `One of the tables ${tables} throttled reads or writes. Find the caller in the functions' logs (a hot key or a scan); on-demand tables adapt within minutes; keep watching the functions' Errors alarms (docs/operations.md).`,
};

/**
 * CloudFormation takes 500 resources per stack, and a stage has ~50 functions: one alarm per
 * function and metric would take 100. An alarm watches up to 10 metrics (metric math), so each
 * alarm sums one metric over up to 9 functions (or both throttle metrics of 4 tables); its
 * description names them, and the metric graph in the console shows which one.
 */
const PER_ALARM = 9;

const chunks = (list, size) => Array.from({ length: Math.ceil(list.length / size) }, (_v, i) => list.slice(i * size, (i + 1) * size));

function alarm(name, description, metrics) {
  return {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmName: name,
      AlarmDescription: description,
      Metrics: [{ Id: 'total', Expression: 'SUM(METRICS())', Label: 'Sum over the watched metrics', ReturnData: true }, ...metrics],
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: TOPIC }],
    },
  };
}

const lambdaAlarm = (name, description, metric) => ({
  Type: 'AWS::CloudWatch::Alarm',
  Properties: {
    AlarmName: name,
    AlarmDescription: description,
    ...metric,
    EvaluationPeriods: 1,
    Threshold: 1,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    TreatMissingData: 'notBreaching',
    AlarmActions: [{ Ref: TOPIC }],
  },
});

const metric = (id, Namespace, MetricName, Name, Value) => ({
  Id: id,
  ReturnData: false,
  MetricStat: { Metric: { Namespace, MetricName, Dimensions: [{ Name, Value }] }, Period: 300, Stat: 'Sum' },
});

function applyOperations(template, prefix) {
  const resources = template.Resources;
  if (!resources[TOPIC] || !resources.DataKey) return;
  const functions = [];
  const tables = [];
  for (const resource of Object.values(resources)) {
    const p = resource.Properties ?? {};
    if (resource.Type === 'AWS::Logs::LogGroup' && !p.KmsKeyId) {
      resource.Properties = { ...p, KmsKeyId: { 'Fn::GetAtt': ['DataKey', 'Arn'] } };
    }
    if (resource.Type === 'AWS::Lambda::Function' && typeof p.FunctionName === 'string') {
      functions.push(p.FunctionName);
      // A function whose environment resolves the origin secret (a dynamic reference) is created after it.
      if (resources.OriginVerifySecret && JSON.stringify(p.Environment ?? {}).includes('{{resolve:secretsmanager:')) {
        resource.DependsOn = [...new Set([].concat(resource.DependsOn ?? [], 'OriginVerifySecret'))];
      }
    }
    if (resource.Type === 'AWS::DynamoDB::Table' && typeof p.TableName === 'string') tables.push(p.TableName);
  }
  functions.sort();
  tables.sort();
  // CloudTrail's management events (AuditTrail) reach EventBridge: any policy change, grant or
  // scheduled deletion on a key of the stage alerts the team.
  const keys = Object.keys(resources).filter((id) => resources[id].Type === 'AWS::KMS::Key').sort();
  if (keys.length) {
    resources.KeyChangesRule = {
      Type: 'AWS::Events::Rule',
      Properties: {
        Name: `${prefix}-key-changes`,
        Description: RUNBOOK.keyChanges,
        State: 'ENABLED',
        EventPattern: {
          source: ['aws.kms'],
          'detail-type': ['AWS API Call via CloudTrail'],
          detail: {
            eventSource: ['kms.amazonaws.com'],
            eventName: ['PutKeyPolicy', 'CreateGrant', 'ScheduleKeyDeletion'],
            resources: { ARN: keys.map((id) => ({ 'Fn::GetAtt': [id, 'Arn'] })) },
          },
        },
        Targets: [{ Id: 'security-alerts', Arn: { Ref: TOPIC } }],
      },
    };
  }
  // Every function at once: Lambda's Errors and Throttles without a dimension sum every function
  // of the account and region (one stage per account: docs/operations.md). One alarm per
  // function would take ~130 of the stack's 500 resources.
  if (functions.length) {
    const accountWide = (MetricName) => ({ Namespace: 'AWS/Lambda', MetricName, Statistic: 'Sum', Period: 60 });
    resources.FunctionErrorsAlarm = lambdaAlarm(`${prefix}-function-errors`, RUNBOOK.functionErrors, accountWide('Errors'));
    resources.FunctionThrottlesAlarm = lambdaAlarm(`${prefix}-function-throttles`, RUNBOOK.functionThrottles, accountWide('Throttles'));
  }
  chunks(tables, Math.floor(PER_ALARM / 2)).forEach((group, i) => {
    resources[`TableThrottlesAlarm${i + 1}`] = alarm(
      `${prefix}-table-throttles-${i + 1}`,
      RUNBOOK.tableThrottles(group.join(', ')),
      group.flatMap((table, j) => ['Read', 'Write'].map((kind) => metric(`${kind.toLowerCase()}${j}`, 'AWS/DynamoDB', `${kind}ThrottleEvents`, 'TableName', table))),
    );
  });
}

class Operations {
  constructor(serverless) {
    this.hooks = {
      'after:aws:package:finalize:mergeCustomProviderResources': () =>
        applyOperations(serverless.service.provider.compiledCloudFormationTemplate, `${serverless.service.service}-${serverless.service.provider.stage}`),
    };
  }
}

module.exports = Operations;
module.exports.RUNBOOK = RUNBOOK;
module.exports.applyOperations = applyOperations;
