import type { Context, S3Event } from 'aws-lambda';
import { inboxDepsFromEnv } from '../lib/inbox';
import { INBOUND_PREFIX, receiveMessage, type IntakeResult } from '../lib/inbox/intake';
import { logger } from '../lib/platform/logger';

const inbox = inboxDepsFromEnv();

/** S3 event keys are URL-encoded, with `+` for a space. */
function objectKeyOf(encoded: string): string {
  return decodeURIComponent(encoded.replace(/\+/g, ' '));
}

/**
 * `receiveSecurityMail`: runs on the inbound bucket's ObjectCreated event (SES's receipt rule
 * stores each message there; on the local stage `npm run ops -- mail receive` does). Records
 * outside `inbound/` or of another bucket are not ours and are skipped. Returns each record's
 * outcome, which the local `mail receive` prints.
 */
export const handler = async (event: S3Event, context: Context): Promise<{ results: IntakeResult[] }> => {
  logger.addContext(context);
  const bucket = process.env.INBOUND_BUCKET;
  const results: IntakeResult[] = [];
  for (const record of event?.Records ?? []) {
    const key = objectKeyOf(record.s3?.object?.key ?? '');
    if (record.s3?.bucket?.name !== bucket || !key.startsWith(INBOUND_PREFIX)) {
      logger.warn('S3 record skipped: not the inbound bucket', { bucket: record.s3?.bucket?.name });
      continue;
    }
    const result = await receiveMessage(inbox, key);
    logger.info('inbound message processed', { objectKey: key, outcome: result.outcome, reason: result.reason, incidentId: result.incidentId });
    results.push(result);
  }
  return { results };
};
