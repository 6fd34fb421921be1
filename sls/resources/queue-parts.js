// The dead-letter alarm every DLQ of the stage has (issue 27), to the security team's topic
// (sls/resources/monitoring.yml): it fires on the first visible message.
const deadLetterAlarm = (alarmName, queueName, runbook) => ({
  Type: 'AWS::CloudWatch::Alarm',
  Properties: {
    AlarmName: alarmName,
    AlarmDescription: runbook,
    Namespace: 'AWS/SQS',
    MetricName: 'ApproximateNumberOfMessagesVisible',
    Dimensions: [{ Name: 'QueueName', Value: queueName }],
    Statistic: 'Maximum',
    Period: 300,
    EvaluationPeriods: 1,
    Threshold: 1,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    TreatMissingData: 'notBreaching',
    AlarmActions: [{ Ref: 'SecurityAlertsTopic' }],
  },
});

module.exports = { deadLetterAlarm };
