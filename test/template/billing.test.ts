import { functionRoles, loadTemplate, resourcesOfType } from '../support/template';

const template = loadTemplate();
const roleOf = (name: string) => functionRoles(template).find((r) => r.functionName === `helpshelf-prod-${name}`)!;
const actionsOf = (name: string) =>
  roleOf(name)
    .statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]))
    // Logs and X-Ray traces are every function's (and inherited on main); the rest is billing's own.
    .filter((a) => !/^(logs|xray):/.test(a))
    .sort();

describe('the billing functions in the packaged template (stage prod)', () => {
  it('feeds the worker from the Stripe events queue in batches with partial batch failure reporting', () => {
    const mappings = resourcesOfType(template, 'AWS::Lambda::EventSourceMapping').filter(([, m]) => m.Properties!.FunctionName['Fn::GetAtt'][0] === 'StripeEventsWorkerLambdaFunction');
    expect(mappings).toHaveLength(1);
    expect(mappings[0][1].Properties).toMatchObject({ EventSourceArn: { 'Fn::GetAtt': ['StripeEventsQueue', 'Arn'] }, FunctionResponseTypes: ['ReportBatchItemFailures'] });
    const queue = template.Resources.StripeEventsQueue.Properties!;
    expect(queue.RedrivePolicy).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': ['StripeEventsDlq', 'Arn'] }, maxReceiveCount: 5 });
  });

  it('lets the webhook claim, queue (encrypted with the stage key) and read its secret, and nothing else', () => {
    expect(actionsOf('stripeWebhook')).toEqual(['dynamodb:DeleteItem', 'dynamodb:PutItem', 'kms:Decrypt', 'kms:GenerateDataKey', 'secretsmanager:GetSecretValue', 'sqs:GetQueueUrl', 'sqs:SendMessage']);
  });

  it('lets the worker read and write billing state and user items and send mail, and nothing else (no Scan, no wildcard)', () => {
    expect(actionsOf('stripeEventsWorker')).toEqual([
      'dynamodb:GetItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:UpdateItem',
      'kms:Decrypt',
      'ses:SendEmail',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:ReceiveMessage',
    ]);
    const own = [...roleOf('stripeEventsWorker').statements, ...roleOf('stripeWebhook').statements].filter((s) => ![s.Action].flat().every((a) => /^(logs|xray):/.test(a)));
    for (const s of own) expect(JSON.stringify(s.Resource)).not.toMatch(/"\*"|table\/\*/);
  });
});
