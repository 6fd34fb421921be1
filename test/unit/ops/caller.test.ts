import { accountOfFunctionArn, authoriseCaller, callerPolicy, type CallerPolicy } from '../../../lib/ops/caller';
import { ForbiddenError } from '../../../lib/platform/errors';

const ACCOUNT = '111122223333';
const FUNCTION_ARN = `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:helpshelf-prod-opsCustomers`;
const policy = callerPolicy('helpshelf-prod-Engineer,helpshelf-prod-BreakGlass', FUNCTION_ARN) as CallerPolicy;
const session = (role: string, name = 'alice', account = ACCOUNT, partition = 'aws') => `arn:${partition}:sts::${account}:assumed-role/${role}/${name}`;

function refusal(arn: string, p: CallerPolicy | undefined): ForbiddenError {
  try {
    authoriseCaller(arn, p);
  } catch (error) {
    return error as ForbiddenError;
  }
  throw new Error(`${arn} was accepted`);
}

describe('authoriseCaller: only sessions of this stage’s Engineer or BreakGlass role run ops actions', () => {
  it('accepts an Engineer session and names the engineer by the session name', () => {
    expect(authoriseCaller(session('helpshelf-prod-Engineer'), policy)).toEqual({ engineer: 'alice', role: 'Engineer', account: ACCOUNT });
  });

  it('accepts a BreakGlass session as BreakGlass', () => {
    expect(authoriseCaller(session('helpshelf-prod-BreakGlass', 'bob.smith@example.com'), policy)).toEqual({ engineer: 'bob.smith@example.com', role: 'BreakGlass', account: ACCOUNT });
  });

  it.each([
    ['the same role name in another account', session('helpshelf-prod-Engineer', 'alice', '999988887777')],
    ['another role of the account', session('helpshelf-prod-opsCustomersRole')],
    ['the Engineer role of another stage', session('helpshelf-staging-Engineer')],
    ['a role whose name merely contains Engineer (suffix)', session('helpshelf-prod-EngineerAdmin')],
    ['a role whose name merely contains Engineer (prefix)', session('x-helpshelf-prod-Engineer')],
    ['a role name differing only in case', session('helpshelf-prod-engineer')],
    ['an IAM user', `arn:aws:iam::${ACCOUNT}:user/helpshelf-prod-Engineer`],
    ['the role itself rather than a session of it', `arn:aws:iam::${ACCOUNT}:role/helpshelf-prod-Engineer`],
    ['the account root', `arn:aws:iam::${ACCOUNT}:root`],
    ['a federated user', `arn:aws:sts::${ACCOUNT}:federated-user/helpshelf-prod-Engineer`],
    ['a session with no name', `arn:aws:sts::${ACCOUNT}:assumed-role/helpshelf-prod-Engineer/`],
    ['a session name with a slash (a forged extra segment)', `arn:aws:sts::${ACCOUNT}:assumed-role/helpshelf-prod-Engineer/alice/extra`],
    ['a session name with a control character', session('helpshelf-prod-Engineer', 'ali\u001bce')],
    ['another partition’s ARN shape', session('helpshelf-prod-Engineer', 'alice', ACCOUNT, 'aws-evil')],
    ['trailing text after the ARN', `${session('helpshelf-prod-Engineer')}\n`],
    ['an empty string', ''],
  ])('refuses %s with 403 caller_not_allowed', (_label, arn) => {
    const error = refusal(arn, policy);
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error).toMatchObject({ status: 403, code: 'caller_not_allowed' });
  });

  it('refuses everyone when the stage’s roles are not configured (fails closed)', () => {
    expect(refusal(session('helpshelf-prod-Engineer'), undefined)).toMatchObject({ code: 'caller_not_allowed' });
    expect(callerPolicy(undefined, FUNCTION_ARN)).toBeUndefined();
    expect(callerPolicy('helpshelf-prod-Engineer', FUNCTION_ARN)).toBeUndefined();
    expect(callerPolicy('helpshelf-prod-Engineer,', FUNCTION_ARN)).toBeUndefined();
    expect(callerPolicy(',helpshelf-prod-BreakGlass', FUNCTION_ARN)).toBeUndefined();
    expect(callerPolicy('a,b,c', FUNCTION_ARN)).toBeUndefined();
    expect(callerPolicy('helpshelf-prod-Engineer,helpshelf-prod-BreakGlass', undefined)).toBeUndefined();
    expect(callerPolicy('helpshelf-prod-Engineer,helpshelf-prod-BreakGlass', 'not an arn')).toBeUndefined();
  });

  it('takes the account from the invoked function ARN, alias or version included', () => {
    expect(accountOfFunctionArn(FUNCTION_ARN)).toBe(ACCOUNT);
    expect(accountOfFunctionArn(`${FUNCTION_ARN}:live`)).toBe(ACCOUNT);
    expect(accountOfFunctionArn(`arn:aws:lambda:eu-west-1:${ACCOUNT}:layer:x`)).toBeUndefined();
    expect(accountOfFunctionArn(`arn:aws:lambda:eu-west-1:12345:function:f`)).toBeUndefined();
    expect(callerPolicy(' helpshelf-prod-Engineer , helpshelf-prod-BreakGlass ', FUNCTION_ARN)).toEqual({ account: ACCOUNT, engineerRole: 'helpshelf-prod-Engineer', breakGlassRole: 'helpshelf-prod-BreakGlass' });
  });
});
