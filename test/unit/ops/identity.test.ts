import { signIdentityProof } from '../../../cli/identity-proof';
import { checkProofShape } from '../../../lib/ops/identity';
import { AUDIENCE_HEADER, type SignedStsRequest } from '../../../lib/ops/types';

const REGION = 'eu-west-1';
const AUDIENCE = 'helpshelf-prod-opsCustomers';
const SIGNED_AT = new Date('2026-11-24T06:00:00Z');
const NOW = SIGNED_AT.getTime() + 30_000;

/** A proof built by the ops CLI's own signer (cli/identity-proof.ts), with throwaway credentials. */
async function proof(options: { region?: string; audience?: string; body?: string; signAudience?: boolean; signedAt?: Date } = {}): Promise<SignedStsRequest> {
  return signIdentityProof({
    region: options.region ?? REGION,
    audience: options.audience ?? AUDIENCE,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    signedAt: options.signedAt ?? SIGNED_AT,
    body: options.body,
    unsignableHeaders: options.signAudience === false ? new Set([AUDIENCE_HEADER]) : undefined,
  });
}

const check = (p: SignedStsRequest, now = NOW) => () => checkProofShape(p, { region: REGION, audience: AUDIENCE, now });

describe('checkProofShape (the identity proof an ops function accepts before asking STS)', () => {
  it('when the proof is a fresh signed GetCallerIdentity for this function, it accepts it', async () => {
    expect(check(await proof())).not.toThrow();
  });

  it('when the proof is addressed to another host or region, it refuses', async () => {
    const real = await proof();
    expect(check({ ...real, url: 'https://attacker.example/' })).toThrow(/must be addressed to https:\/\/sts\.eu-west-1\.amazonaws\.com\//);
    expect(check(await proof({ region: 'us-east-1' }))).toThrow(/must be addressed to/);
    expect(check({ ...real, url: 'https://sts.eu-west-1.amazonaws.com.attacker.example/' })).toThrow(/must be addressed to/);
  });

  it('when the body is another STS action, it refuses', async () => {
    expect(check(await proof({ body: 'Action=AssumeRole&Version=2011-06-15&RoleArn=x' }))).toThrow(/must be an sts:GetCallerIdentity request/);
    expect(check({ ...(await proof()), method: 'GET' as 'POST' })).toThrow(/sts:GetCallerIdentity/);
  });

  it('when the audience header is present but not signed, it refuses', async () => {
    const p = await proof({ signAudience: false });
    expect(p.headers.authorization ?? p.headers.Authorization).not.toContain(AUDIENCE_HEADER);
    expect(check(p)).toThrow(/not signed over its audience/);
  });

  it('when the proof is not SigV4 at all, it refuses', async () => {
    const p = await proof();
    expect(check({ ...p, headers: { ...p.headers, authorization: 'Bearer hs_x' } })).toThrow(/not signed/);
  });

  it('when the proof was made for another function, it refuses', async () => {
    expect(check(await proof({ audience: 'helpshelf-prod-opsAudit' }))).toThrow(/made for another function/);
  });

  it('when x-amz-date is more than five minutes old or ahead, or missing, it refuses', async () => {
    expect(check(await proof({ signedAt: new Date(SIGNED_AT.getTime() - 6 * 60_000) }))).toThrow(/expired/);
    expect(check(await proof({ signedAt: new Date(SIGNED_AT.getTime() + 6 * 60_000) }))).toThrow(/expired/);
    const p = await proof();
    const headers = Object.fromEntries(Object.entries(p.headers).filter(([k]) => k.toLowerCase() !== 'x-amz-date'));
    expect(check({ ...p, headers })).toThrow(/expired/);
  });

  it('refuses with a 403 invalid_identity_proof', async () => {
    try {
      check(await proof({ audience: 'other' }))();
      throw new Error('not refused');
    } catch (error) {
      expect(error).toMatchObject({ status: 403, code: 'invalid_identity_proof' });
    }
  });
});
