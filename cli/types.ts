import type { LocalStageState } from '../scripts/lib/local-stage-state';

export type OptionType = 'string' | 'boolean' | 'multiple';

export interface OptionSpec {
  type: OptionType;
  description: string;
  required?: boolean;
}

export interface ParsedArgs {
  positionals: string[];
  options: Record<string, string | boolean | string[] | undefined>;
}

export interface CliContext {
  stage: string;
  json: boolean;
  /** The running local stage, when --stage is local. */
  local?: LocalStageState;
  /** Invokes an ops function of the stage (direct Lambda Invoke, IAM-authorised) and returns its result. */
  invoke(functionKey: string, action: string, args?: Record<string, unknown>): Promise<unknown>;
}

/**
 * One CLI command. `run` returns a JSON-able result: printed as one JSON document with --json,
 * or through `format` for people.
 */
export interface CommandSpec {
  /** e.g. ['incidents', 'list'] */
  path: string[];
  summary: string;
  /** Positional arguments, in order (lower case; shown upper case); a trailing `?` marks one optional. */
  positionals?: string[];
  options?: Record<string, OptionSpec>;
  /** Commands that only make sense against the local stage. */
  localOnly?: boolean;
  run(context: CliContext, args: ParsedArgs): Promise<unknown>;
  format?(result: unknown): string;
  /** The exit status for a result that was printed (default EXIT.ok), e.g. EXIT.integrity for a finding scripts must notice. */
  exitCode?(result: unknown): number;
}

/** The CLI's exit statuses (documented in cli/README.md and docs/api.md). */
export const EXIT = {
  ok: 0,
  /** An ops function refused, or something failed (one line on stderr). */
  failed: 1,
  /** A usage mistake: unknown command or option, missing argument (with the command's help). */
  usage: 2,
  /** The command worked and found an integrity problem (e.g. a broken audit chain); its output is printed. */
  integrity: 3,
} as const;

/** A usage mistake: printed with the command's help, exit status 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** An ops function refused or failed: one line, exit status 1. */
export class OpsCommandError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'OpsCommandError';
  }
}
