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
  functionErrors: (functions) =>
    `One of the functions ${functions} failed (an unhandled error or a timeout). The alarm's graph has one line per function: search that function's log group /aws/lambda/<name> for the error and its request id; fix or roll back. A failed asynchronous event is in its failures queue (docs/operations.md).`,
  functionThrottles: (functions) =>
    `One of the functions ${functions} was throttled: requests or events were refused for lack of concurrency. The alarm's graph has one line per function; check the WAF and API alarms for a flood; raise that function's reserved concurrency or the account limit if the load is real (docs/operations.md).`,
  keyChanges:
    'A key policy was rewritten, a grant created or a key scheduled for deletion on a key of the stage. Check the CloudTrail event (who, which key): expected only from a deploy or restore drill (DynamoDB grants) or a break-glass session; otherwise revert the policy with the break-glass role and cancel any deletion (docs/operations.md).',
  tableThrottles: (tables) =>
    `One of the tables ${tables} throttled reads or writes. Find the caller in the functions' logs (a hot key or a scan); on-demand tables adapt within minutes; keep watching the functions' Errors alarms (docs/operations.md).`,
};

/**
 * CloudFormation takes 500 resources per stack, and a stage has ~65 functions: one alarm per
 * function and metric would take ~130. A metric-math alarm reads up to 10 metrics (and up to 10
 * expressions besides), so each alarm sums one metric of up to 10 functions (or both throttle
 * metrics of 5 tables); its description names them, and its graph has one line per metric,
 * labelled with the function's or table's name.
 */
const METRICS_PER_ALARM = 10;
/** CloudWatch refuses a longer AlarmDescription. */
const MAX_DESCRIPTION = 1024;

const chunks = (list, size) => Array.from({ length: Math.ceil(list.length / size) }, (_v, i) => list.slice(i * size, (i + 1) * size));

function alarm(name, description, metrics) {
  if (metrics.length > METRICS_PER_ALARM) throw new Error(`operations: alarm ${name} would read ${metrics.length} metrics (CloudWatch takes ${METRICS_PER_ALARM})`);
  if (description.length > MAX_DESCRIPTION) throw new Error(`operations: the description of alarm ${name} is ${description.length} characters (CloudWatch takes ${MAX_DESCRIPTION})`);
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

/** One metric of one function or table, labelled with its name in the alarm's graph. */
const metric = (id, Namespace, MetricName, Name, Value, Period = 300) => ({
  Id: id,
  Label: Value,
  ReturnData: false,
  MetricStat: { Metric: { Namespace, MetricName, Dimensions: [{ Name, Value }] }, Period, Stat: 'Sum' },
});

function applyOperations(template, prefix) {
  const resources = template.Resources;
  if (!resources[TOPIC] || !resources.DataKey) return;
  const functions = [];
  const tables = [];
  for (const [id, resource] of Object.entries(resources)) {
    const p = resource.Properties ?? {};
    if (resource.Type === 'AWS::Logs::LogGroup' && !p.KmsKeyId) {
      resource.Properties = { ...p, KmsKeyId: { 'Fn::GetAtt': ['DataKey', 'Arn'] } };
    }
    if (resource.Type === 'AWS::Lambda::Function') {
      // The alarms name each function: one without a literal name would be left unwatched.
      if (typeof p.FunctionName !== 'string') throw new Error(`operations: function ${id} has no literal FunctionName, so no alarm could watch it`);
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
  // Every function of the stage by name, ten to an alarm: Lambda's Errors and Throttles with the
  // FunctionName dimension (nothing of another stack or stage), summed, at the first one.
  for (const [metricName, key, runbook] of [
    ['Errors', 'FunctionErrors', RUNBOOK.functionErrors],
    ['Throttles', 'FunctionThrottles', RUNBOOK.functionThrottles],
  ]) {
    chunks(functions, METRICS_PER_ALARM).forEach((group, i) => {
      resources[`${key}Alarm${i + 1}`] = alarm(
        `${prefix}-function-${metricName.toLowerCase()}-${i + 1}`,
        runbook(group.join(', ')),
        group.map((fn, j) => metric(`f${j}`, 'AWS/Lambda', metricName, 'FunctionName', fn, 60)),
      );
    });
  }
  chunks(tables, Math.floor(METRICS_PER_ALARM / 2)).forEach((group, i) => {
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
