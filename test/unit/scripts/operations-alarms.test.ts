// eslint-disable-next-line @typescript-eslint/no-require-imports
const { applyOperations } = require('../../../sls/plugins/operations.js') as {
  applyOperations(template: { Resources: Record<string, Resource> }, prefix: string): void;
};

interface Resource {
  Type: string;
  Properties?: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** A compiled template with the topic, the stage key and `count` functions. */
function templateWith(count: number, extra: Record<string, Resource> = {}) {
  const resources: Record<string, Resource> = {
    SecurityAlertsTopic: { Type: 'AWS::SNS::Topic' },
    DataKey: { Type: 'AWS::KMS::Key' },
    ...extra,
  };
  for (let i = 0; i < count; i += 1) resources[`Fn${i}LambdaFunction`] = { Type: 'AWS::Lambda::Function', Properties: { FunctionName: `helpshelf-prod-fn${String(i).padStart(2, '0')}` } };
  return { Resources: resources };
}

const functionAlarms = (resources: Record<string, Resource>, metric: string) =>
  Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm' && r.Properties!.Metrics?.some((m: { MetricStat?: { Metric: { MetricName: string } } }) => m.MetricStat?.Metric.MetricName === metric));
const watched = (alarm: Resource) => alarm.Properties!.Metrics.filter((m: { MetricStat?: unknown }) => m.MetricStat).map((m: { MetricStat: { Metric: { Dimensions: Array<{ Value: string }> } } }) => m.MetricStat.Metric.Dimensions[0].Value);

describe('the function alarms of sls/plugins/operations.js', () => {
  it('when a 21st function is added, every function is in exactly one Errors and one Throttles alarm of at most ten, named in its description', () => {
    // Prepare
    const template = templateWith(21);
    // Act
    applyOperations(template, 'helpshelf-prod');
    // Assess
    for (const metric of ['Errors', 'Throttles']) {
      const alarms = functionAlarms(template.Resources, metric);
      expect(alarms.map((a) => a.Properties!.AlarmName)).toEqual([1, 2, 3].map((n) => `helpshelf-prod-function-${metric.toLowerCase()}-${n}`));
      const names = alarms.flatMap(watched);
      expect(names.sort()).toEqual(Array.from({ length: 21 }, (_v, i) => `helpshelf-prod-fn${String(i).padStart(2, '0')}`));
      for (const alarm of alarms) {
        expect(watched(alarm).length).toBeLessThanOrEqual(10);
        for (const name of watched(alarm)) expect(alarm.Properties!.AlarmDescription).toContain(`${name}`);
        expect(alarm.Properties!.AlarmActions).toEqual([{ Ref: 'SecurityAlertsTopic' }]);
      }
    }
  });

  it('refuses to package a function without a literal name, which no alarm could name', () => {
    const template = templateWith(2, { OddLambdaFunction: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: { 'Fn::Sub': 'x-${AWS::Region}' } } } });
    expect(() => applyOperations(template, 'helpshelf-prod')).toThrow(/OddLambdaFunction has no literal FunctionName/);
  });
});
