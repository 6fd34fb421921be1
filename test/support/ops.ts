import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { OpsInvocation, OpsOutcome } from '../../lib/ops/types';
import { functionName, lambdaContext, loadHandler } from './http';
import { ROOT } from './paths';

const run = promisify(execFile);

/** Invokes an ops function in-process, as a direct Lambda Invoke would. */
export async function invokeOps(functionKey: string, action: string, args: Record<string, unknown> = {}, extra: Partial<OpsInvocation> = {}): Promise<OpsOutcome> {
  const handler = loadHandler(functionKey);
  return (await handler({ action, args, localEngineer: 'test-engineer', ...extra }, lambdaContext(functionName(functionKey)))) as OpsOutcome;
}

/** Like invokeOps, but returns the result and throws on a refusal. */
export function opsResult<T = unknown>(functionKey: string, action: string, args: Record<string, unknown> = {}): Promise<T> {
  return invokeOpsAs<T>('test-engineer', functionKey, action, args);
}

/** Like opsResult, as a named local engineer (grants are per engineer). */
export async function invokeOpsAs<T = unknown>(engineer: string, functionKey: string, action: string, args: Record<string, unknown> = {}): Promise<T> {
  const outcome = await invokeOps(functionKey, action, args, { localEngineer: engineer });
  if (!outcome.ok) throw new Error(`${functionKey}.${action} refused: ${outcome.error.code}: ${outcome.error.message}`);
  return outcome.result as T;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

/** Runs the real ops CLI (its `helpshelf-ops` bin, as npx would) against the e2e local stage. */
export async function opsCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [path.join(ROOT, 'cli/bin/helpshelf-ops.cjs'), ...args], {
      cwd: ROOT,
      env: { ...process.env, HELPSHELF_LOCAL_STATE_FILE: process.env.E2E_STATE_FILE, HELPSHELF_ENGINEER: 'e2e-engineer', ...env },
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr, json: args.includes('--json') ? JSON.parse(stdout) : undefined };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '', json: undefined };
  }
}

/**
 * Makes every audit-log write of the handlers under test fail as IAM would (AccessDenied), passing
 * every other call through to the emulator: for "audited before it reads" tests. The returned spy
 * records every command sent; restore it with `mockRestore()`.
 */
export function denyAuditWrites(client: { send: (...args: never[]) => unknown }) {
  const realSend = client.send.bind(client) as (command: unknown) => unknown;
  const auditItem = (item: Record<string, { TableName?: string }>) => Object.values(item).some((w) => w?.TableName === process.env.AUDIT_TABLE);
  return jest.spyOn(client, 'send').mockImplementation(((command: { input?: { TableName?: string; TransactItems?: Array<Record<string, { TableName?: string }>> }; constructor: { name: string } }) => {
    const auditPut = command.input?.TableName === process.env.AUDIT_TABLE && command.constructor.name === 'PutCommand';
    const auditTransaction = command.constructor.name === 'TransactWriteCommand' && (command.input?.TransactItems ?? []).some(auditItem);
    if (auditPut || auditTransaction) {
      return Promise.reject(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    }
    return realSend(command);
  }) as never);
}

/** In-process: `requester` asks for a grant on the customer, `approver` (another engineer) approves it; the grant id. */
export async function grantInProcess(customer: string, options: { requester?: string; approver?: string; minutes?: number } = {}): Promise<string> {
  const requested = await invokeOps('opsAccess', 'request', { customer, reason: 'ticket 4411', minutes: options.minutes }, { localEngineer: options.requester ?? 'test-engineer' });
  if (!requested.ok) throw new Error(`access request refused: ${requested.error.code}`);
  const grant = (requested.result as { grant: string }).grant;
  const approved = await invokeOps('opsAccess', 'approve', { grant }, { localEngineer: options.approver ?? 'test-approver' });
  if (!approved.ok) throw new Error(`access approve refused: ${approved.error.code}`);
  return grant;
}

/** Through the CLI: e2e-engineer (opsCli's default) asks, e2e-approver approves; the grant id. */
export async function grantViaCli(customer: string, options: { requester?: string; approver?: string } = {}): Promise<string> {
  const requested = await opsCli(['access', 'request', '--customer', customer, '--reason', 'ticket 4411', '--json'], { HELPSHELF_ENGINEER: options.requester ?? 'e2e-engineer' });
  if (requested.code !== 0) throw new Error(`access request failed: ${requested.stderr}`);
  const approved = await opsCli(['access', 'approve', requested.json.grant], { HELPSHELF_ENGINEER: options.approver ?? 'e2e-approver' });
  if (approved.code !== 0) throw new Error(`access approve failed: ${approved.stderr}`);
  return requested.json.grant as string;
}
