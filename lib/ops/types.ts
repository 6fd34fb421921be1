import type * as z from 'zod/mini';

/**
 * The operations path. Ops functions have no HTTP route: they are reached only by a direct
 * Lambda Invoke, which AWS authorises with the caller's IAM credentials (lambda:InvokeFunction),
 * so no customer token and no unauthenticated request can reach them.
 */
export interface SignedStsRequest {
  url: string;
  method: 'POST';
  headers: Record<string, string>;
  body: string;
}

/** What the ops CLI sends to an ops function. */
export interface OpsInvocation {
  action: string;
  args?: Record<string, unknown>;
  /** Deployed stages: a SigV4-signed sts:GetCallerIdentity request that proves who is calling. */
  identityProof?: SignedStsRequest;
  /** Local stage only: the engineer's name, trusted because the stage is the developer's own. */
  localEngineer?: string;
}

export type OpsOutcome =
  | { ok: true; result: unknown }
  | { ok: false; error: { code: string; message: string; status: number } };

export interface Actor {
  /** The IAM principal ARN on a deployed stage; `local:<name>` on the local stage. */
  id: string;
  kind: 'iam' | 'local';
  /** The engineer: the verified role session name (deployed), HELPSHELF_ENGINEER (local). Grants are theirs. */
  engineer: string;
  /** The role the session holds (the local stage acts as Engineer). */
  role: 'Engineer' | 'BreakGlass';
}

export interface OpsContext {
  actor: Actor;
  requestId: string;
  functionName: string;
}

/** One action of an ops function: the schema of its arguments, and what it does with them. */
export interface OpsAction<S extends z.core.$ZodType = z.core.$ZodType> {
  args: S;
  run(args: z.output<S>, context: OpsContext): Promise<unknown>;
}

/** An ops function's table of actions, by the name the CLI sends. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type OpsActions = Record<string, OpsAction<any>>;

/** Declares one action; the schema types the arguments `run` receives. */
export function action<S extends z.core.$ZodType>(args: S, run: (args: z.output<S>, context: OpsContext) => Promise<unknown>): OpsAction<S> {
  return { args, run };
}

/** The header that binds an identity proof to one function, so a proof cannot be replayed elsewhere. */
export const AUDIENCE_HEADER = 'x-helpshelf-audience';
export const GET_CALLER_IDENTITY_BODY = 'Action=GetCallerIdentity&Version=2011-06-15';
