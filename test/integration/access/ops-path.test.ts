import { accessCases, withRealCustomerSession } from '../../cases/access.cases';
import { apiGatewayEvent, functionName, lambdaContext, loadHandler, viaHandler } from '../../support/http';
import { invokeOps } from '../../support/ops';
import { documentClient } from '../../../lib/platform/aws/dynamodb';
import { seedCustomer } from '../../support/customers';
import { signIdentityProof } from '../../../cli/identity-proof';

const OPS_FUNCTIONS: Array<[string, string]> = [
  ['opsCustomers', 'show'],
  ['opsAudit', 'list'],
  ['opsInsights', 'summary'],
];

describe('the ops path, in-process: no customer token or unauthenticated request reaches an ops action', () => {
  it.each(accessCases.map((c) => [c.name, c] as const))('%s', async (_name, testCase) => {
    await testCase.run(viaHandler);
  });

  it('with a real, valid customer session token, no plausible ops path answers anything but 401/403/404', async () => {
    await withRealCustomerSession(viaHandler, process.env.HELPSHELF_TEST_EMULATOR!);
  });

  it.each(OPS_FUNCTIONS)('when an API Gateway event reaches %s directly, it is refused with a 403 and no result', async (functionKey, action) => {
    // Prepare: as if someone wired an http event to the ops function.
    const customer = await seedCustomer(documentClient, process.env.ACCOUNTS_TABLE!);
    const event = {
      ...apiGatewayEvent({ method: 'POST', path: `/ops/${action}`, headers: { Authorization: 'Bearer hs_x' }, body: { action, args: { customer: customer.email, reason: 'ticket 4411' } } }, '/ops/{proxy+}', { proxy: action }),
      action,
      args: { customer: customer.email, reason: 'ticket 4411' },
    };
    // Act
    const outcome = await loadHandler(functionKey)(event, lambdaContext(`helpshelf-local-${functionKey}`));
    // Assess
    expect(outcome).toEqual({ ok: false, error: { code: 'not_an_ops_invocation', message: expect.any(String), status: 403 } });
  });

  describe('on a deployed (non-local) stage', () => {
    const saved = { STAGE: process.env.STAGE, AWS_REGION: process.env.AWS_REGION };
    beforeEach(() => {
      process.env.STAGE = 'prod';
      process.env.AWS_REGION = 'eu-west-1';
    });
    afterEach(() => Object.assign(process.env, saved));

    it.each(OPS_FUNCTIONS)('when %s is invoked without an identity proof, it refuses with a 403 even if a local engineer is named', async (functionKey, action) => {
      const customer = await seedCustomer(documentClient, process.env.ACCOUNTS_TABLE!);
      const outcome = await invokeOps(functionKey, action, { customer: customer.email, reason: 'ticket 4411' }, { localEngineer: 'mallory' });
      expect(outcome).toEqual({ ok: false, error: { code: 'identity_required', message: expect.any(String), status: 403 } });
    });

    it('when the proof is addressed to another host, it refuses with a 403 before contacting anyone', async () => {
      const fetchSpy = jest.spyOn(globalThis, 'fetch');
      try {
        const outcome = await invokeOps('opsAudit', 'list', {}, {
          identityProof: { url: 'https://attacker.example/', method: 'POST', headers: {}, body: 'Action=GetCallerIdentity&Version=2011-06-15' },
        });
        expect(outcome).toMatchObject({ ok: false, error: { code: 'invalid_identity_proof', status: 403 } });
        expect(fetchSpy).not.toHaveBeenCalled();
      } finally {
        fetchSpy.mockRestore();
      }
    });

    // STS itself is not reachable from the tests: its answer to the (real, signed) proof is stood in
    // for, so the function's own caller check decides.
    async function invokeAs(arn: string) {
      const saved = process.env.OPS_CALLER_ROLES;
      process.env.OPS_CALLER_ROLES = 'helpshelf-prod-Engineer,helpshelf-prod-BreakGlass';
      const sts = jest.spyOn(globalThis, 'fetch').mockImplementation(async () => new Response(`<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>${arn}</Arn></GetCallerIdentityResult></GetCallerIdentityResponse>`, { status: 200 }));
      try {
        const identityProof = await signIdentityProof({ region: 'eu-west-1', audience: functionName('opsAudit'), credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } });
        return await invokeOps('opsAudit', 'list', {}, { identityProof, localEngineer: undefined });
      } finally {
        sts.mockRestore();
        process.env.OPS_CALLER_ROLES = saved;
      }
    }

    it.each([
      ['an IAM user with lambda:InvokeFunction', 'arn:aws:iam::123456789012:user/alice'],
      ['another role of the account', 'arn:aws:sts::123456789012:assumed-role/helpshelf-prod-opsAuditRole/x'],
      ['a role whose name merely contains Engineer', 'arn:aws:sts::123456789012:assumed-role/helpshelf-prod-EngineerTools/alice'],
      ['the Engineer role of another account', 'arn:aws:sts::999988887777:assumed-role/helpshelf-prod-Engineer/alice'],
    ])('when STS says the caller is %s, it refuses with 403 caller_not_allowed', async (_label, arn) => {
      expect(await invokeAs(arn)).toEqual({ ok: false, error: { code: 'caller_not_allowed', message: expect.any(String), status: 403 } });
    });

    it('when STS says the caller is a session of the stage’s Engineer role, the action runs', async () => {
      expect(await invokeAs('arn:aws:sts::123456789012:assumed-role/helpshelf-prod-Engineer/alice')).toMatchObject({ ok: true });
    });
  });
});
