/**
 * Reads the packaged CloudFormation template as "function → trigger → what its role may touch".
 * Shared by the least-privilege template test (which checks rules on it) and scripts/iam-table.ts
 * (which writes the table in docs/access.md), so both see the same model.
 */
export interface CfnResource {
  Type: string;
  Properties?: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
}

export interface Statement {
  effect: string;
  actions: string[];
  /** Rendered resources: `${Logical.Arn}`, `${Logical}` and pseudo parameters kept as tokens. */
  resources: string[];
  notAction: boolean;
  notResource: boolean;
}

export interface RoleModel {
  roleId: string;
  statements: Statement[];
  managedPolicyArns: string[];
}

export interface FunctionModel {
  key: string;
  logicalId: string;
  functionName: string;
  role: RoleModel;
  triggers: string[];
  tracingActive: boolean;
}

const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** CFN intrinsics to one string: Ref X → ${X}, GetAtt X.Arn → ${X.Arn}, Sub and Join inlined. */
export function render(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if ('Ref' in v) return `\${${String(v.Ref)}}`;
    if ('Fn::GetAtt' in v) {
      const att = v['Fn::GetAtt'];
      return `\${${Array.isArray(att) ? att.join('.') : String(att)}}`;
    }
    if ('Fn::Sub' in v) {
      const sub = v['Fn::Sub'];
      if (typeof sub === 'string') return sub;
      if (Array.isArray(sub)) {
        const [text, vars] = sub as [string, Record<string, unknown>];
        return text.replace(/\$\{([^}]+)\}/g, (m, name: string) => (vars && name in vars ? render(vars[name]) : m));
      }
    }
    if ('Fn::Join' in v) {
      const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
      return parts.map(render).join(sep);
    }
  }
  return JSON.stringify(value);
}

function statementsOf(document: { Statement?: unknown } | undefined): Statement[] {
  return asArray(document?.Statement as Record<string, unknown>[] | undefined).map((s) => ({
    effect: String(s.Effect),
    actions: asArray((s.Action ?? s.NotAction) as string | string[]).map(String),
    resources: asArray((s.Resource ?? s.NotResource) as unknown).map(render),
    notAction: 'NotAction' in s,
    notResource: 'NotResource' in s,
  }));
}

/** A role's inline policies plus any AWS::IAM::Policy / ManagedPolicy resource attached to it. */
export function roleModel(template: CfnTemplate, roleId: string): RoleModel {
  const role = template.Resources[roleId];
  const statements = asArray(role?.Properties?.Policies as Array<{ PolicyDocument: { Statement: unknown } }>).flatMap((p) => statementsOf(p.PolicyDocument));
  for (const resource of Object.values(template.Resources)) {
    if (resource.Type !== 'AWS::IAM::Policy' && resource.Type !== 'AWS::IAM::ManagedPolicy') continue;
    const roles = asArray(resource.Properties?.Roles as unknown[]).map(render);
    if (roles.includes(`\${${roleId}}`)) statements.push(...statementsOf(resource.Properties?.PolicyDocument));
  }
  return { roleId, statements, managedPolicyArns: asArray(role?.Properties?.ManagedPolicyArns as unknown[]).map(render) };
}

/** Every role Lambda may assume, used by a function or not. */
export function lambdaRoleIds(template: CfnTemplate): string[] {
  return Object.entries(template.Resources)
    .filter(([, r]) => r.Type === 'AWS::IAM::Role' && JSON.stringify(r.Properties?.AssumeRolePolicyDocument ?? {}).includes('lambda.amazonaws.com'))
    .map(([id]) => id);
}

const refersTo = (value: unknown, logicalId: string) => new RegExp(`\\$\\{${logicalId}(\\.Arn)?\\}`).test(render(value));

function httpPath(template: CfnTemplate, ref: unknown): string {
  const id = (ref as { Ref?: string })?.Ref;
  if (!id) return '';
  const r = template.Resources[id];
  if (!r || r.Type !== 'AWS::ApiGateway::Resource') return '';
  return `${httpPath(template, r.Properties?.ParentId)}/${r.Properties?.PathPart}`;
}

export function triggersOf(template: CfnTemplate, logicalId: string): string[] {
  const triggers: string[] = [];
  for (const resource of Object.values(template.Resources)) {
    const p = resource.Properties ?? {};
    if (resource.Type === 'AWS::ApiGateway::Method' && p.Integration?.Uri && refersTo(p.Integration.Uri, logicalId)) {
      triggers.push(`HTTP ${p.HttpMethod} ${httpPath(template, p.ResourceId) || '/'}`);
    } else if (resource.Type === 'AWS::Events::Rule' && asArray(p.Targets as Array<{ Arn: unknown }>).some((t) => refersTo(t.Arn, logicalId))) {
      triggers.push(p.ScheduleExpression ? `schedule ${p.ScheduleExpression}` : `EventBridge ${JSON.stringify(p.EventPattern?.source ?? p.EventPattern ?? {})}`);
    } else if (resource.Type === 'AWS::Scheduler::Schedule' && refersTo(p.Target?.Arn, logicalId)) {
      triggers.push(`schedule ${p.ScheduleExpression}`);
    } else if (resource.Type === 'AWS::Lambda::EventSourceMapping' && refersTo(p.FunctionName, logicalId)) {
      triggers.push(`queue ${label(render(p.EventSourceArn))}`);
    } else if (resource.Type === 'AWS::Lambda::Url' && refersTo(p.TargetFunctionArn, logicalId)) {
      triggers.push(`function URL (${p.AuthType})`);    } else if (resource.Type === 'AWS::S3::Bucket') {
      for (const n of asArray(p.NotificationConfiguration?.LambdaConfigurations as Array<{ Function: unknown; Event: string; Filter?: { S3Key?: { Rules?: Array<{ Name: string; Value: string }> } } }>)) {
        if (!refersTo(n.Function, logicalId)) continue;
        const prefix = n.Filter?.S3Key?.Rules?.find((r) => r.Name.toLowerCase() === 'prefix')?.Value ?? '';
        triggers.push(`bucket ${label(render(p.BucketName))}/${prefix}* ${n.Event}`);
      }
    }
  }
  return triggers;
}

export function functionModels(template: CfnTemplate, stage = 'prod', service = 'helpshelf'): FunctionModel[] {
  const prefix = `${service}-${stage}-`;
  return Object.entries(template.Resources)
    .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
    .map(([logicalId, fn]) => {
      const functionName = render(fn.Properties?.FunctionName);
      const roleRef = render(fn.Properties?.Role);
      const roleId = /^\$\{([^.}]+)/.exec(roleRef)?.[1] ?? roleRef;
      return {
        key: functionName.startsWith(prefix) ? functionName.slice(prefix.length) : functionName,
        logicalId,
        functionName,
        role: roleModel(template, roleId),
        triggers: triggersOf(template, logicalId),
        tracingActive: fn.Properties?.TracingConfig?.Mode === 'Active',
      };
    })
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

export const service = (action: string) => action.split(':')[0].toLowerCase();

/** A resource as people read it: `${AccountsTable.Arn}/index/gsi1` → `AccountsTable/index/gsi1`. */
export function label(resource: string): string {
  if (resource === '*') return '*';
  const logs = /:logs:.*:log-group:(\/aws\/lambda\/[^:]+)/.exec(resource);
  if (logs) return `log group ${logs[1]}`;
  return resource
    .replace(/\$\{([A-Za-z0-9]+)(\.Arn)?\}/g, (_m, id: string) => id)
    .replace(/^arn:\$\{AWS::Partition\}:([a-z0-9-]+):\$\{AWS::Region\}:\$\{AWS::AccountId\}:/, '$1:')
    .replace(/^arn:\$\{AWS::Partition\}:([a-z0-9-]+):::/, '$1:');
}
