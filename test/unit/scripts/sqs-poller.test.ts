import { sqsSources } from '../../../scripts/lib/sqs-poller';
import type { StageConfig } from '../../../scripts/lib/stage-config';

describe('the local stage SQS poller', () => {
  it('when a function has an sqs event on a declared queue, it polls that queue with the event\'s batch size and failure reporting', () => {
    // Prepare
    const config = {
      service: 'helpshelf',
      provider: { stage: 'local', region: 'eu-west-1' },
      functions: {
        worker: { name: 'helpshelf-local-worker', handler: 'f.handler', events: [{ sqs: { arn: { 'Fn::GetAtt': ['EventsQueue', 'Arn'] }, batchSize: 5, functionResponseType: 'ReportBatchItemFailures' } }] },
        api: { name: 'helpshelf-local-api', handler: 'g.handler', events: [{ http: { path: '/x', method: 'get' } }] },
      },
      resources: { Resources: { EventsQueue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'helpshelf-local-events' } } } },
    } as unknown as StageConfig;
    // Act
    const sources = sqsSources(config);
    // Assess
    expect(sources).toEqual([
      { functionKey: 'worker', functionName: 'helpshelf-local-worker', queueLogicalId: 'EventsQueue', queueName: 'helpshelf-local-events', batchSize: 5, reportBatchItemFailures: true },
    ]);
  });

  it('when an sqs event names its queue by a literal ARN, it says the local stage needs !GetAtt', () => {
    const config = {
      service: 'helpshelf',
      provider: { stage: 'local', region: 'eu-west-1' },
      functions: { worker: { name: 'w', handler: 'f.handler', events: [{ sqs: 'arn:aws:sqs:eu-west-1:1:q' }] } },
      resources: { Resources: {} },
    } as unknown as StageConfig;
    expect(() => sqsSources(config)).toThrow(/!GetAtt/);
  });
});
