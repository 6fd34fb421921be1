import * as z from 'zod/mini';
import { checkAccessReason, REASON_MAX_LENGTH } from '../lib/access/reason';
import { connections } from '../lib/connections/runtime';
import { optionalText, requiredText } from '../lib/ops/args';
import { action, opsHandler } from '../lib/ops/handler';
import { BadRequestError } from '../lib/platform/errors';

/** `connections revoke-all --user ID --reason TEXT`: every connection of a customer, revoked at the provider, audited first. */
export const handler = opsHandler({
  'revoke-all': action(z.object({ user: requiredText(200), reason: optionalText(REASON_MAX_LENGTH * 2) }), async ({ user, reason }, { actor }) => {
    // The same reason rule as reading a customer's record: a ticket or incident reference.
    const checked = checkAccessReason(reason);
    if (!checked.ok) throw new BadRequestError(checked.code, checked.message);
    return connections().revokeAll(user, { actor: actor.id, reason: checked.reason });
  }),
});
