import * as z from 'zod/mini';
import { REASON_MAX_LENGTH, requireAccessReason } from '../lib/access/reason';
import { audit } from '../lib/audit';
import { inboxDepsFromEnv } from '../lib/inbox';
import { INBOUND_PREFIX, receiveMessage } from '../lib/inbox/intake';
import { optionalText, refusal, requiredText } from '../lib/ops/args';
import { action, opsHandler } from '../lib/ops/handler';

const inbox = inboxDepsFromEnv();

/** A key of a raw message in the inbound bucket (`inbound/<SES message id>`), as SES stores it. */
const inboundKey = z.pipe(
  requiredText(1024),
  z.string().check(z.refine((key: string) => key.startsWith(INBOUND_PREFIX) && key.length > INBOUND_PREFIX.length && !key.includes('..'), refusal('invalid_key', `KEY must be a key of the inbound bucket (${INBOUND_PREFIX}…).`))),
);

/**
 * `opsInbox`: `npm run ops -- mail replay --key inbound/… --reason …` (docs/operations.md). Feeds a
 * raw message still in the inbound bucket to the same intake as `receiveSecurityMail`, for a
 * message whose processing failed (its event is in the inbox failures queue) or never ran. The
 * intake is idempotent by its claim: a message that already became an incident answers with it.
 * Audited, with the reason, before the message is read.
 */
export const handler = opsHandler({
  replay: action(z.object({ key: inboundKey, reason: optionalText(REASON_MAX_LENGTH * 2) }), async ({ key, reason: given }, ctx) => {
    const reason = requireAccessReason(given);
    await audit({ actor: ctx.actor.id, action: 'mail.replay', subject: key, reason });
    return receiveMessage(inbox, key);
  }),
});
