import { connections } from '../lib/connections/runtime';
import { checkAccessReason } from '../lib/access/reason';
import { opsHandler, stringArg } from '../lib/ops/handler';
import { BadRequestError } from '../lib/platform/errors';

/** `connections revoke-all --user ID --reason TEXT`: every connection of a customer, revoked at the provider, audited first. */
export const handler = opsHandler({
  'revoke-all': async (args, { actor }) => {
    const user = stringArg(args, 'user', { required: true, max: 200 });
    const reason = checkAccessReason(args.reason);
    if (!reason.ok) throw new BadRequestError(reason.code, reason.message);
    return connections().revokeAll(user, { actor: actor.id, reason: reason.reason });
  },
});
