import { readFileSync } from 'node:fs';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { DEFAULT_STATE_FILE, type LocalStageState } from '../scripts/lib/local-stage-state';
import type { OpsInvocation, OpsOutcome } from '../lib/ops/types';
import { signIdentityProof } from './identity-proof';
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

export function createInvoker(stage: string, local?: LocalStageState, region = process.env.AWS_REGION ?? 'eu-west-1') {
  const client = local
    ? new LambdaClient({ region: local.region, endpoint: local.lambdaEndpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 })
    : new LambdaClient({ region, credentials: fromNodeProviderChain() });
  const service = local?.service ?? 'helpshelf';

  return async (functionKey: string, action: string, args: Record<string, unknown> = {}): Promise<unknown> => {
    const functionName = `${service}-${stage}-${functionKey}`;
    const invocation: OpsInvocation = { action, args };
    if (local) invocation.localEngineer = process.env.HELPSHELF_ENGINEER ?? userInfo().username;
    else invocation.identityProof = await signIdentityProof({ region, audience: functionName, credentials: fromNodeProviderChain() });
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
