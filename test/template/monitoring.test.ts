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
