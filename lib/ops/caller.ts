import { ForbiddenError } from '../platform/errors';

/**
 * Who may run an ops action on a deployed stage (issue 24): an assumed-role session of that
 * stage's Engineer or BreakGlass role (sls/resources/engineer-access.yml), in the function's own
 * account. Any other principal — an IAM user, another role, a role of another account, even one
 * with lambda:InvokeFunction — is refused. The ARN checked here is the one STS returned for the
 * caller's signed GetCallerIdentity proof (identity.ts), never one the caller states.
 *
 * An STS assumed-role ARN: `arn:<partition>:sts::<account>:assumed-role/<role name>/<session name>`.
 * Role paths do not appear in it; IAM role names are at most 64 characters, session names 2–64 of
 * `[\w+=,.@-]`. The session name is the engineer: the roles' trust policies require it to be the
 * IAM user name of whoever assumed the role.
 */
const ASSUMED_ROLE_ARN = /^arn:(aws|aws-cn|aws-us-gov):sts::(\d{12}):assumed-role\/([\w+=,.@-]{1,64})\/([\w+=,.@-]{2,64})$/;
const LAMBDA_FUNCTION_ARN = /^arn:(aws|aws-cn|aws-us-gov):lambda:[a-z0-9-]+:(\d{12}):function:[^:]+(:[^:]+)?$/;

export type EngineerRole = 'Engineer' | 'BreakGlass';

export interface EngineerSession {
  /** The role session name: the engineer's IAM user name. */
  engineer: string;
  role: EngineerRole;
  account: string;
}

export interface CallerPolicy {
  /** The function's own account (from its invoked ARN). */
  account: string;
  /** The stage's role names: [Engineer, BreakGlass] (OPS_CALLER_ROLES). */
  engineerRole: string;
  breakGlassRole: string;
}

/** The account of an invoked Lambda function ARN, or undefined. */
export function accountOfFunctionArn(functionArn: string | undefined): string | undefined {
  return LAMBDA_FUNCTION_ARN.exec(functionArn ?? '')?.[2];
}

/** The policy from OPS_CALLER_ROLES (`<Engineer role>,<BreakGlass role>`) and the function's ARN; undefined when either is missing. */
export function callerPolicy(rolesSetting: string | undefined, functionArn: string | undefined): CallerPolicy | undefined {
  const roles = (rolesSetting ?? '').split(',').map((r) => r.trim());
  const account = accountOfFunctionArn(functionArn);
  if (roles.length !== 2 || !roles[0] || !roles[1] || !account) return undefined;
  return { account, engineerRole: roles[0], breakGlassRole: roles[1] };
}

const refused = () => new ForbiddenError('caller_not_allowed', "Ops actions are for this stage's Engineer or BreakGlass role sessions only (docs/access.md).");

/** The engineer behind a verified caller ARN, or 403 `caller_not_allowed`. */
export function authoriseCaller(arn: string, policy: CallerPolicy | undefined): EngineerSession {
  if (!policy) throw refused();
  const m = ASSUMED_ROLE_ARN.exec(arn);
  if (!m) throw refused();
  const [, , account, roleName, session] = m;
  if (account !== policy.account) throw refused();
  const role: EngineerRole | undefined = roleName === policy.engineerRole ? 'Engineer' : roleName === policy.breakGlassRole ? 'BreakGlass' : undefined;
  if (!role) throw refused();
  return { engineer: session, role, account };
}
