import { functionRoles, loadTemplate } from '../support/template';

/**
 * Issue 11 on the packaged prod template: provider tokens can be decrypted only by the functions
 * that call providers, only with an encryption context of exactly {user, connection, provider},
 * and the key's own policy says the same; revocations that fail reach a DLQ with an alarm.
 */
const template = loadTemplate();
const resources = template.Resources;

/** The functions that call a provider with a connection's tokens: the only ones that may decrypt them. */
// meDelete and opsCustomers (`customers erase`): deleting the account revokes every connection at its provider (docs/data-rights.md).
const PROVIDER_CALLERS = ['connectionsCallback', 'connectionsDelete', 'connectionsPostsList', 'connectionsPostsCreate', 'connectionsRevocationsWorker', 'opsConnections', 'meDelete', 'opsCustomers'];
const CONTEXT_KEYS = ['user', 'connection', 'provider'];
const CRYPTO = /^kms:(decrypt|encrypt|generatedatakey|reencrypt|\*)/i;

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: Record<string, Record<string, unknown>>; Principal?: unknown; Sid?: string };
const actionsOf = (s: Statement) => ([] as string[]).concat(s.Action);
const namesTokensKey = (s: Statement) => JSON.stringify(s.Resource).includes('ConnectionTokensKey');
const functionKey = (functionName: string) => functionName.replace(/^helpshelf-prod-/, '');

function expectContextCondition(condition: Statement['Condition']) {
  expect(condition?.Null).toEqual(Object.fromEntries(CONTEXT_KEYS.map((k) => [`kms:EncryptionContext:${k}`, 'false'])));
  expect(condition?.['ForAllValues:StringEquals']?.['kms:EncryptionContextKeys']).toEqual(CONTEXT_KEYS);
}

describe('connected accounts in the packaged template (stage prod)', () => {
  const roles = functionRoles(template).map((r) => ({ ...r, key: functionKey(String(r.functionName)), statements: r.statements as Statement[] }));

  it('only the provider-calling functions may use the connection tokens key, only to decrypt (and the callback to make data keys), only under the {user, connection, provider} context', () => {
    const users = new Map<string, string[]>();
    for (const role of roles) {
      for (const s of role.statements.filter((st) => st.Effect === 'Allow')) {
        const kms = actionsOf(s).filter((a) => a.toLowerCase().startsWith('kms:'));
        // Nobody may use any KMS key by wildcard (that would include the tokens key).
        if (kms.length) expect({ fn: role.key, resource: JSON.stringify(s.Resource) }).not.toEqual({ fn: role.key, resource: '"*"' });
        if (!namesTokensKey(s)) continue;
        users.set(role.key, [...(users.get(role.key) ?? []), ...actionsOf(s)]);
        expectContextCondition(s.Condition);
      }
    }
    expect([...users.keys()].sort()).toEqual([...PROVIDER_CALLERS].sort());
    for (const [key, actions] of users) {
      expect({ key, actions: actions.sort() }).toEqual({ key, actions: key === 'connectionsCallback' ? ['kms:Decrypt', 'kms:GenerateDataKey'] : ['kms:Decrypt'] });
    }
    // The routes that do not call a provider cannot decrypt anything of it.
    for (const key of ['connectionsProviders', 'connectionsCreate', 'connectionsStart', 'connectionsList']) {
      const role = roles.find((r) => r.key === key)!;
      expect(role.statements.flatMap(actionsOf).filter((a) => a.startsWith('kms:'))).toEqual([]);
    }
  });

  it('the key policy lets administrators manage the key but not use it, and lets only the provider callers use it, under the context', () => {
    const key = resources.ConnectionTokensKey;
    expect(key.Type).toBe('AWS::KMS::Key');
    expect(key.Properties?.EnableKeyRotation).toBe(true);
    expect(key.DeletionPolicy).toBe('Retain');
    const statements = key.Properties?.KeyPolicy.Statement as Statement[];
    expect(statements.filter((s) => s.Effect === 'Deny')).toEqual([]);
    const crypto = statements.filter((s) => actionsOf(s).some((a) => CRYPTO.test(a)));
    expect(crypto).toHaveLength(1);
    const [use] = crypto;
    expect(actionsOf(use).sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    expectContextCondition(use.Condition);
    const principals = (use.Condition?.ArnLike?.['aws:PrincipalArn'] as Array<{ 'Fn::Sub': string }>).map((p) => p['Fn::Sub']);
    expect(principals.map((p) => /:role\/helpshelf-prod-([A-Za-z]+)-\*$/.exec(p)?.[1]).sort()).toEqual([...PROVIDER_CALLERS].sort());
    // The patterns match the real role names of exactly those functions, and no other function's role.
    // Role names are Fn::Join ['-', [service, stage, function, region, 'lambdaRole']]: render them with a region.
    const roleNames = Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Role' && r.Properties?.RoleName?.['Fn::Join'])
      .map((r) => (r.Properties!.RoleName['Fn::Join'][1] as unknown[]).map((p) => (typeof p === 'string' ? p : 'eu-west-1')).join('-'));
    const matches = (name: string) => principals.some((p) => new RegExp(`^${p.replace(/^.*:role\//, '').replace(/\*/g, '.*')}$`).test(name));
    expect(roleNames.filter(matches).map((n) => n.split('-')[2]).sort()).toEqual([...PROVIDER_CALLERS].sort());
    // Administration: everything but cryptography.
    for (const s of statements.filter((st) => st !== use)) expect(actionsOf(s).filter((a) => CRYPTO.test(a) || a === 'kms:*')).toEqual([]);
  });

  it('the connections table is encrypted, point-in-time recoverable and expires connect transactions by TTL', () => {
    const table = resources.ConnectionsTable.Properties!;
    expect(table.SSESpecification).toMatchObject({ SSEEnabled: true, SSEType: 'KMS' });
    expect(table.PointInTimeRecoverySpecification).toMatchObject({ PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays: 35 });
    expect(table.TimeToLiveSpecification).toEqual({ AttributeName: 'ttl', Enabled: true });
    expect(table.DeletionProtectionEnabled).toBe(true);
  });

  it('a revocation the provider never confirms ends in a dead-letter queue that raises an alarm to ops', () => {
    const queue = resources.ConnectionRevocationsQueue.Properties!;
    expect(queue.RedrivePolicy).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': ['ConnectionRevocationsDlq', 'Arn'] }, maxReceiveCount: 10 });
    expect(queue.KmsMasterKeyId).toEqual({ Ref: 'DataKey' });
    const alarm = resources.ConnectionRevocationsDeadLetterAlarm.Properties!;
    expect(alarm).toMatchObject({ Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    expect(alarm.Dimensions).toEqual([{ Name: 'QueueName', Value: 'helpshelf-prod-connection-revocations-dlq' }]);
    expect(alarm.AlarmActions).toEqual([{ Ref: 'ConnectionAlarmTopic' }, { Ref: 'SecurityAlertsTopic' }]);
    const worker = Object.entries(resources).find(([, r]) => r.Type === 'AWS::Lambda::EventSourceMapping' && JSON.stringify(r.Properties?.EventSourceArn).includes('ConnectionRevocationsQueue'));
    expect(worker?.[1].Properties?.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
  });

  it('the client secrets live in Secrets Manager under the stage key, and prod lists no plain-http provider', () => {
    expect(resources.ConnectionClientSecrets.Properties).toMatchObject({ Name: 'helpshelf/prod/connection-client-secrets', KmsKeyId: { Ref: 'DataKey' } });
    for (const [, r] of Object.entries(resources).filter(([, res]) => res.Type === 'AWS::Lambda::Function')) {
      const providers = r.Properties?.Environment?.Variables?.CONNECTION_PROVIDERS;
      if (providers === undefined) continue;
      expect(String(providers)).not.toMatch(/"http:/);
    }
  });
});
