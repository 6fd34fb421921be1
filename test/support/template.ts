import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PACKAGE_DIR, STAGING_PACKAGE_DIR } from './paths';

export interface CfnTemplate {
  Resources: Record<string, { Type: string; Properties?: Record<string, any>; DeletionPolicy?: string; UpdateReplacePolicy?: string; DependsOn?: unknown }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  Outputs?: Record<string, unknown>;
}

/** The template `osls package --stage <stage>` wrote in the template layer's global setup (prod unless named). */
export function loadTemplate(stage: 'prod' | 'staging' = 'prod'): CfnTemplate {
  const dir = stage === 'prod' ? PACKAGE_DIR : STAGING_PACKAGE_DIR;
  return JSON.parse(readFileSync(path.join(dir, 'cloudformation-template-update-stack.json'), 'utf8')) as CfnTemplate;
}

export function resourcesOfType(template: CfnTemplate, type: string) {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

/** Every Lambda function with the IAM statements of the role it runs as. */
export function functionRoles(template: CfnTemplate) {
  return resourcesOfType(template, 'AWS::Lambda::Function').map(([id, fn]) => {
    const roleRef = fn.Properties?.Role;
    const roleId: string = roleRef?.['Fn::GetAtt']?.[0] ?? roleRef;
    const role = template.Resources[roleId];
    const statements = (role?.Properties?.Policies ?? []).flatMap(
      (p: { PolicyDocument: { Statement: unknown[] } }) => p.PolicyDocument.Statement,
    ) as Array<{ Effect: string; Action: string | string[]; Resource: unknown }>;
    return { functionId: id, functionName: fn.Properties?.FunctionName, roleId, statements };
  });
}
