import { allowedActions, expandKmsAction, type KeyStatement } from '../support/kms-actions';
import { loadTemplate } from '../support/template';

/**
 * Issue 27: keys that cannot be widened quietly. The key policies are read as IAM would read them:
 * each statement's actions with every wildcard expanded into the KMS actions it allows.
 */
const template = loadTemplate();
const R = template.Resources;
const keys = Object.entries(R).filter(([, r]) => r.Type === 'AWS::KMS::Key');
const statementsOf = (id: string) => R[id].Properties!.KeyPolicy.Statement as KeyStatement[];
const allows = (s: KeyStatement, action: string) => s.Effect === 'Allow' && allowedActions(s).includes(action);
const principal = (s: KeyStatement) => JSON.stringify(s.Principal);
const BREAK_GLASS = JSON.stringify({ AWS: { 'Fn::GetAtt': ['BreakGlassRole', 'Arn'] } });

describe('expanding KMS wildcards (test/support/kms-actions.ts)', () => {
  it('expands the patterns a policy may use into the actions they allow', () => {
    expect(expandKmsAction('kms:Create*')).toEqual(['kms:CreateAlias', 'kms:CreateCustomKeyStore', 'kms:CreateGrant', 'kms:CreateKey']);
    expect(expandKmsAction('kms:Put*')).toEqual(['kms:PutKeyPolicy']);
    expect(expandKmsAction('kms:*')).toHaveLength(expandKmsAction('*').length);
    expect(expandKmsAction('kms:GenerateDataKey*')).toEqual(['kms:GenerateDataKey', 'kms:GenerateDataKeyPair', 'kms:GenerateDataKeyPairWithoutPlaintext', 'kms:GenerateDataKeyWithoutPlaintext']);
    expect(expandKmsAction('KMS:decrypt')).toEqual(['kms:Decrypt']);
    expect(expandKmsAction('kms:Re?ncrypt*')).toEqual(['kms:ReEncryptFrom', 'kms:ReEncryptTo']);
  });
});

describe('key policies (stage prod)', () => {
  it('finds every key of the stage', () => {
    expect(keys.map(([id]) => id)).toEqual(expect.arrayContaining(['DataKey', 'AuditMacKey', 'ConnectionTokensKey', 'WebAssetsKey']));
  });

  it.each(keys.map(([id]) => id))('%s: only the break-glass role may rewrite the policy, schedule deletion or stop rotation', (id) => {
    for (const action of ['kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion', 'kms:DisableKeyRotation']) {
      const who = statementsOf(id).filter((s) => allows(s, action)).map(principal);
      expect({ action, who }).toEqual({ action, who: [BREAK_GLASS] });
    }
  });

  it.each(keys.map(([id]) => id))('%s: grants only for AWS resources (kms:GrantIsForAWSResource), never to a principal itself', (id) => {
    for (const s of statementsOf(id).filter((st) => allows(st, 'kms:CreateGrant'))) {
      expect({ sid: s.Sid, condition: s.Condition?.Bool?.['kms:GrantIsForAWSResource'] }).toEqual({ sid: s.Sid, condition: 'true' });
    }
  });

  it.each(keys.map(([id]) => id))('%s: no statement for the account\'s principals uses a wildcard action', (id) => {
    for (const s of statementsOf(id).filter((st) => st.Effect === 'Allow' && !principal(st).includes('Service'))) {
      for (const action of ([] as string[]).concat(s.Action)) expect({ sid: s.Sid, action, wildcard: /[*?]/.test(action) }).toEqual({ sid: s.Sid, action, wildcard: false });
    }
  });

  it('lets ConnectionTokensKey\'s administrators manage it but never use it, grant it or widen its policy', () => {
    const unconditioned = statementsOf('ConnectionTokensKey').filter((s) => s.Effect === 'Allow' && !s.Condition && principal(s) !== BREAK_GLASS);
    expect(unconditioned.length).toBeGreaterThanOrEqual(1);
    const administered = unconditioned.flatMap(allowedActions);
    for (const forbidden of ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:CreateGrant', 'kms:PutKeyPolicy']) {
      expect({ forbidden, granted: administered.includes(forbidden) }).toEqual({ forbidden, granted: false });
    }
  });
});

describe('grants the functions may make (stage prod)', () => {
  it('lets a role create a grant only for an AWS resource (DynamoDB imports and restores)', () => {
    const grants = Object.entries(R)
      .filter(([, r]) => r.Type === 'AWS::IAM::Role')
      .flatMap(([roleId, r]) => ((r.Properties!.Policies ?? []) as Array<{ PolicyDocument: { Statement: KeyStatement[] } }>).flatMap((p) => p.PolicyDocument.Statement.map((s) => ({ roleId, s }))))
      .filter(({ s }) => s.Effect === 'Allow' && ([] as string[]).concat(s.Action).some((a) => a.toLowerCase().startsWith('kms:') && expandKmsAction(a).includes('kms:CreateGrant')));
    expect(grants.map((g) => g.roleId).sort()).toEqual(['BackupsRestoreDrillIamRoleLambdaExecution', 'OpsBackupsIamRoleLambdaExecution']);
    for (const { roleId, s } of grants) expect({ roleId, condition: s.Condition }).toEqual({ roleId, condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } } });
  });
});

describe('an alert on every policy change, grant and scheduled deletion (stage prod)', () => {
  it('sends PutKeyPolicy, CreateGrant and ScheduleKeyDeletion on any key of the stage to the security team', () => {
    const rules = Object.entries(R).filter(([, r]) => r.Type === 'AWS::Events::Rule' && JSON.stringify(r.Properties!.EventPattern ?? {}).includes('kms.amazonaws.com'));
    expect(rules).toHaveLength(1);
    const [, rule] = rules[0];
    const pattern = rule.Properties!.EventPattern;
    expect(pattern).toMatchObject({ source: ['aws.kms'], 'detail-type': ['AWS API Call via CloudTrail'] });
    expect([...pattern.detail.eventName].sort()).toEqual(['CreateGrant', 'PutKeyPolicy', 'ScheduleKeyDeletion']);
    expect(pattern.detail.resources.ARN.map((a: { 'Fn::GetAtt': [string, string] }) => a['Fn::GetAtt'][0]).sort()).toEqual(keys.map(([id]) => id).sort());
    expect(rule.Properties!.Targets).toEqual([expect.objectContaining({ Arn: { Ref: 'SecurityAlertsTopic' } })]);
  });
});
