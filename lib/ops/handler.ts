import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { AppError, BadRequestError, ForbiddenError, NotFoundError, ServiceUnavailableError } from '../platform/errors';
import { isTransientAwsError } from '../platform/aws/errors';
import { describeError, lambdaLogging, logger } from '../platform/logger';
import { parseArgs } from './args';
import { resolveActor } from './identity';
import type { OpsActions, OpsInvocation, OpsOutcome } from './types';

/** API Gateway (REST or HTTP API), function URL and ALB events all carry these. */
function isHttpEvent(event: unknown): boolean {
  if (!event || typeof event !== 'object') return false;
  const e = event as Record<string, unknown>;
  return 'httpMethod' in e || 'requestContext' in e || 'routeKey' in e || 'rawPath' in e;
}

function toOutcome(error: unknown): OpsOutcome {
  let mapped: AppError;
  if (error instanceof AppError) mapped = error;
  else if (isTransientAwsError(error)) mapped = new ServiceUnavailableError(undefined, { cause: error });
  else mapped = new AppError(500, 'internal_error', 'The operation failed; see the function logs for the request id.');
  if (mapped.status >= 500) logger.error('ops action failed', { error: describeError(error) });
  else logger.info('ops action refused', { code: mapped.code });
  return { ok: false, error: { code: mapped.code, message: mapped.message, status: mapped.status } };
}

/**
 * The stack every ops function uses: it checks the invocation, establishes who is calling,
 * dispatches to one named action of its table, parses the action's arguments with the action's
 * schema, and always answers `{ok, result}` or `{ok: false, error}`, so the CLI can print one
 * clear line and exit non-zero. Nothing about the arguments is looked at before the caller is known.
 */
export function opsHandler(actions: OpsActions) {
  return middy<OpsInvocation, OpsOutcome, Error, Context>()
    .use(lambdaLogging())
    .handler(async (invocation, context) => {
      try {
        // Defence in depth: ops functions have no http event, but if one were ever wired to API
        // Gateway (or a function URL), its events must never reach an action.
        if (isHttpEvent(invocation)) throw new ForbiddenError('not_an_ops_invocation', 'Ops functions answer direct invocations from the ops CLI only.');
        if (!invocation || typeof invocation !== 'object' || typeof invocation.action !== 'string') {
          throw new BadRequestError('invalid_invocation', 'An ops invocation names an action.');
        }
        const action = Object.hasOwn(actions, invocation.action) ? actions[invocation.action] : undefined;
        if (!action) throw new NotFoundError('unknown_action', `Unknown action "${invocation.action}". Known: ${Object.keys(actions).join(', ')}.`);
        const actor = await resolveActor(invocation, context.functionName, context.invokedFunctionArn);
        logger.appendKeys({ opsAction: invocation.action, actor: actor.id });
        const args = parseArgs(action.args, invocation.args && typeof invocation.args === 'object' ? invocation.args : {});
        const result = await action.run(args, { actor, requestId: context.awsRequestId, functionName: context.functionName });
        logger.info('ops action completed');
        return { ok: true, result };
      } catch (error) {
        return toOutcome(error);
      }
    });
}
export { action } from './types';
