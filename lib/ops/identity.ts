import { ForbiddenError, ServiceUnavailableError } from '../platform/errors';
import { isLocalStage } from '../platform/config';
import { nowEpochMillis } from '../platform/time';
import { authoriseCaller, callerPolicy } from './caller';
import { AUDIENCE_HEADER, GET_CALLER_IDENTITY_BODY, type Actor, type OpsInvocation, type SignedStsRequest } from './types';

const MAX_PROOF_AGE_MS = 5 * 60_000;

function header(headers: Record<string, string>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return Object.entries(headers).find(([k]) => k.toLowerCase() === wanted)?.[1];
}

/** `20261124T055607Z` → epoch milliseconds. */
function amzDateMillis(value: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return Number.NaN;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

/**
 * Checks that a proof is a signed sts:GetCallerIdentity request aimed at the real regional STS
 * endpoint, bound to this function and fresh. Only then is it sent to STS: the Arn STS returns is
 * who signed it. Nothing the caller states about itself is trusted.
 */
export function checkProofShape(proof: SignedStsRequest, options: { region: string; audience: string; now: number }): void {
  const expectedUrl = `https://sts.${options.region}.amazonaws.com/`;
  if (proof.url !== expectedUrl) throw new ForbiddenError('invalid_identity_proof', `The identity proof must be addressed to ${expectedUrl}.`);
  if (proof.method !== 'POST' || proof.body !== GET_CALLER_IDENTITY_BODY) {
    throw new ForbiddenError('invalid_identity_proof', 'The identity proof must be an sts:GetCallerIdentity request.');
  }
  const authorization = header(proof.headers, 'authorization') ?? '';
  const signed = /SignedHeaders=([^,]+)/.exec(authorization)?.[1]?.split(';') ?? [];
  if (!authorization.startsWith('AWS4-HMAC-SHA256 ') || !signed.includes(AUDIENCE_HEADER) || !signed.includes('host')) {
    throw new ForbiddenError('invalid_identity_proof', 'The identity proof is not signed over its audience.');
  }
  if (header(proof.headers, AUDIENCE_HEADER) !== options.audience) {
    throw new ForbiddenError('invalid_identity_proof', 'The identity proof was made for another function.');
  }
  const signedAt = amzDateMillis(header(proof.headers, 'x-amz-date') ?? '');
  if (!Number.isFinite(signedAt) || Math.abs(options.now - signedAt) > MAX_PROOF_AGE_MS) {
    throw new ForbiddenError('invalid_identity_proof', 'The identity proof has expired.');
  }
}

async function verifyWithSts(proof: SignedStsRequest): Promise<string> {
  let response: Response;
  try {
    response = await fetch(proof.url, { method: 'POST', headers: proof.headers, body: proof.body, signal: AbortSignal.timeout(3000) });
  } catch (error) {
    throw new ServiceUnavailableError('STS could not be reached to verify the caller.', { cause: error });
  }
  const text = await response.text();
  if (response.status >= 500) throw new ServiceUnavailableError('STS could not verify the caller.');
  const arn = /<Arn>([^<]+)<\/Arn>/.exec(text)?.[1];
  if (response.status !== 200 || !arn) throw new ForbiddenError('invalid_identity_proof', 'STS did not accept the identity proof.');
  return arn;
}

/** Engineer names as the local stage takes them (HELPSHELF_ENGINEER): an IAM user name's characters. */
const LOCAL_ENGINEER = /^[\w+=,.@-]{1,64}$/;

/**
 * Who is calling an ops function: on a deployed stage, a verified assumed-role session of the
 * stage's Engineer or BreakGlass role (caller.ts; anyone else 403); on the local stage, the named
 * engineer (a name outside `[\w+=,.@-]{1,64}` is refused rather than written to the audit log).
 */
export async function resolveActor(invocation: OpsInvocation, functionName: string, invokedFunctionArn?: string): Promise<Actor> {
  if (isLocalStage()) {
    const name = (invocation.localEngineer ?? process.env.OPS_LOCAL_ENGINEER ?? 'local-engineer').trim() || 'local-engineer';
    if (!LOCAL_ENGINEER.test(name)) throw new ForbiddenError('invalid_engineer', 'HELPSHELF_ENGINEER must be 1–64 letters, digits or + = , . @ _ -.');
    return { id: `local:${name}`, kind: 'local', engineer: name, role: 'Engineer' };
  }
  if (!invocation.identityProof) throw new ForbiddenError('identity_required', 'Operations need an identity proof from the ops CLI.');
  const region = process.env.AWS_REGION ?? '';
  checkProofShape(invocation.identityProof, { region, audience: functionName, now: nowEpochMillis() });
  const arn = await verifyWithSts(invocation.identityProof);
  const session = authoriseCaller(arn, callerPolicy(process.env.OPS_CALLER_ROLES, invokedFunctionArn));
  return { id: arn, kind: 'iam', engineer: session.engineer, role: session.role };
}
