import { readFileSync } from 'node:fs';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { SignatureV4 } from '@smithy/signature-v4';
import { createHash, createHmac } from 'node:crypto';
import { DEFAULT_STATE_FILE, type LocalStageState } from '../lib/local-stage';
import { AUDIENCE_HEADER, GET_CALLER_IDENTITY_BODY, type OpsInvocation, type OpsOutcome, type SignedStsRequest } from '../../lib/ops/types';
import { OpsCommandError } from './types';
import { userInfo } from 'node:os';

export function readLocalState(): LocalStageState {
  const file = process.env.HELPSHELF_LOCAL_STATE_FILE ?? DEFAULT_STATE_FILE;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LocalStageState;
  } catch {
    throw new OpsCommandError('The local stage is not running. Start it with `npm start` in another terminal, or pass --stage NAME.', 'local_stage_down');
  }
}

class Sha256 {
  private readonly hash;
  constructor(secret?: string | Uint8Array | ArrayBuffer | ArrayBufferView) {
    this.hash = secret ? createHmac('sha256', Buffer.from(secret as Uint8Array)) : createHash('sha256');
  }
  update(data: string | Uint8Array | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(typeof data === 'string' ? data : Buffer.from(data as Uint8Array));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

/** Signs sts:GetCallerIdentity for one function: the function replays it to STS to learn who we are. */
async function identityProof(region: string, audience: string): Promise<SignedStsRequest> {
  const signer = new SignatureV4({ service: 'sts', region, credentials: fromNodeProviderChain(), sha256: Sha256 });
  const hostname = `sts.${region}.amazonaws.com`;
  const signed = await signer.sign({
    method: 'POST',
    protocol: 'https:',
    hostname,
    path: '/',
    headers: { host: hostname, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', [AUDIENCE_HEADER]: audience },
    body: GET_CALLER_IDENTITY_BODY,
  });
  return { url: `https://${hostname}/`, method: 'POST', headers: signed.headers as Record<string, string>, body: GET_CALLER_IDENTITY_BODY };
}

export function createInvoker(stage: string, local?: LocalStageState, region = process.env.AWS_REGION ?? 'eu-west-1') {
  const client = local
    ? new LambdaClient({ region: local.region, endpoint: local.lambdaEndpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 })
    : new LambdaClient({ region, credentials: fromNodeProviderChain() });
  const service = local?.service ?? 'helpshelf';

  return async (functionKey: string, action: string, args: Record<string, unknown> = {}): Promise<unknown> => {
    const functionName = `${service}-${stage}-${functionKey}`;
    const invocation: OpsInvocation = { action, args };
    if (local) invocation.localEngineer = process.env.HELPSHELF_ENGINEER ?? userInfo().username;
    else invocation.identityProof = await identityProof(region, functionName);
    let out;
    try {
      out = await client.send(new InvokeCommand({ FunctionName: functionName, Payload: Buffer.from(JSON.stringify(invocation)) }));
    } catch (error) {
      const e = error as { name?: string; message?: string };
      if (e.name === 'ResourceNotFoundException') throw new OpsCommandError(`No function ${functionName} on stage ${stage}.`, 'no_function');
      if (local) throw new OpsCommandError(`Cannot reach the local stage at ${local.lambdaEndpoint}: is npm start running?`, 'local_stage_down');
      throw new OpsCommandError(`Invoking ${functionName} failed: ${e.name ?? 'Error'}: ${e.message ?? ''}`, 'invoke_failed');
    }
    const text = out.Payload ? Buffer.from(out.Payload).toString('utf8') : '';
    if (out.FunctionError) throw new OpsCommandError(`${functionName} crashed (${out.FunctionError}); see its logs.`, 'function_error');
    let outcome: OpsOutcome;
    try {
      outcome = JSON.parse(text) as OpsOutcome;
    } catch {
      throw new OpsCommandError(`${functionName} answered something that is not JSON.`, 'bad_answer');
    }
    if (!outcome.ok) throw new OpsCommandError(outcome.error.message, outcome.error.code);
    return outcome.result;
  };
}
