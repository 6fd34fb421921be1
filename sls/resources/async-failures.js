// On-failure destinations of the asynchronously invoked functions (issue 27). S3 (the security
// inbox) and EventBridge schedules invoke these functions asynchronously: Lambda retries a failed
// event twice and drops an event older than the event age limit (6 hours) that it could not run,
// for example behind the inbox's reserved concurrency. Such an event goes to a dead-letter queue
// (KMS-encrypted with the stage key, TLS only), and an alarm tells the security team
// (docs/operations.md says what to do; the inbox has `mail replay`). Two queues, not five: the
// inbox's, and one for the scheduled jobs (each message names its function), so the template
// stays well under CloudFormation's 500 resources.
const { deadLetterAlarm } = require('./queue-parts');

const QUEUES = {
  InboxFailuresQueue: {
    suffix: 'inbox-failures',
    functions: ['receiveSecurityMail'],
    runbook:
      'A security report failed processing or waited too long: its S3 event is in the inbox failures queue. Run `npm run ops -- mail replay --key <inbound/...> --reason ...` for the key in each message, then purge the queue (docs/operations.md).',
  },
  ScheduledJobsFailuresQueue: {
    suffix: 'scheduled-failures',
    functions: ['escalateIncidents', 'backupsExport', 'backupsTrack', 'backupsRestoreDrill'],
    runbook:
      'A scheduled job (escalation, backup export, tracker or restore drill) failed twice or was dropped; each message names its function. Read that function\'s log and fix the cause; the next run catches up (for backups run `npm run ops -- backups run` or `backups restore-drill`); then purge the queue (docs/operations.md).',
  },
};

/** 14 days, SQS's maximum: a DLQ keeps longer than any source (events live 6 hours at most). */
const DLQ_RETENTION_SECONDS = 1209600;

module.exports = async ({ resolveVariable }) => {
  const stage = await resolveVariable('sls:stage');
  const service = await resolveVariable('self:service');
  const Resources = {};
  const ids = Object.keys(QUEUES);
  for (const [id, { suffix, runbook }] of Object.entries(QUEUES)) {
    const name = `${service}-${stage}-${suffix}`;
    Resources[id] = {
      Type: 'AWS::SQS::Queue',
      Properties: { QueueName: name, MessageRetentionPeriod: DLQ_RETENTION_SECONDS, KmsMasterKeyId: { Ref: 'DataKey' }, KmsDataKeyReusePeriodSeconds: 3600 },
    };
    Resources[id.replace(/Queue$/, 'Alarm')] = deadLetterAlarm(name, name, runbook);
  }
  Resources.FailuresQueuesPolicy = {
    Type: 'AWS::SQS::QueuePolicy',
    Properties: {
      Queues: ids.map((id) => ({ Ref: id })),
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'DenyInsecureTransport',
            Effect: 'Deny',
            Principal: '*',
            Action: 'sqs:*',
            Resource: ids.map((id) => ({ 'Fn::GetAtt': [id, 'Arn'] })),
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ],
      },
    },
  };
  return { Resources };
};
