import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';

const run = promisify(execFile);

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

export interface FunctionDefinition {
  name: string;
  handler: string;
  environment?: Record<string, unknown>;
  events?: Array<Record<string, unknown>>;
  /** The function's own role statements (serverless-iam-roles-per-function). */
  iamRoleStatements?: Array<{ Effect?: string; Action?: string | string[]; Resource?: unknown }>;
}

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
  Condition?: string;
}

/** The serverless.yml of one stage with every variable resolved, as `osls print` gives it. */
export interface StageConfig {
  service: string;
  provider: { stage: string; region: string; environment?: Record<string, unknown> };
  functions: Record<string, FunctionDefinition>;
  resources: { Resources: Record<string, CfnResource>; Conditions?: Record<string, unknown> };
}

/**
 * serverless.yml is the single source of truth: the local stage and the tests read the resolved
 * configuration from it rather than keeping a second list of tables, queues and secrets.
 */
export async function loadStageConfig(stage = 'local'): Promise<StageConfig> {
  const bin = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'osls');
  const { stdout } = await run(bin, ['print', '--stage', stage, '--format', 'json'], {
    cwd: PROJECT_ROOT,
    maxBuffer: 32 * 1024 * 1024,
    env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' },
  });
  const start = stdout.indexOf('{');
  return JSON.parse(stdout.slice(start)) as StageConfig;
}

/** The environment a function sees on the stage: provider-wide variables, then its own. */
export function functionEnvironment(config: StageConfig, functionKey?: string): Record<string, string> {
  const merged: Record<string, unknown> = { ...(config.provider.environment ?? {}) };
  if (functionKey) Object.assign(merged, config.functions[functionKey]?.environment ?? {});
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(merged)) {
    if (value === null || value === undefined) continue;
    if (typeof value === 'object') throw new Error(`Environment variable ${key} is not a plain value on the local stage`);
    env[key] = String(value);
  }
  return env;
}

/** Every function's environment merged: what an in-process test needs to import any handler. */
export function allFunctionsEnvironment(config: StageConfig): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of Object.keys(config.functions)) Object.assign(env, functionEnvironment(config, key));
  return env;
}
