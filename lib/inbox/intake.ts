import { createHash } from 'node:crypto';
import { appendReporterMessage, openEmailedIncident, teamAddressFor, type IncidentDeps } from '../incidents/service';
import type { MessageAttachment } from '../incidents/model';
import { newIncidentId } from '../incidents/tracking-tokens';
import { describeError, logger } from '../platform/logger';
import { chooseThread, classifyMessage, type AttachmentPlan, type InboxPolicy } from './classify';
import type { InboundMessage } from './message';
import { parseMessage } from './parse';
import type { InboxRecords } from './dynamo-inbox-records';

/** The raw messages and the attachments, in the inbound bucket. */
export interface InboxObjects {
  /** The stored message, or undefined when there is no such object. */
  getRaw(key: string): Promise<Uint8Array | undefined>;
  putAttachment(key: string, body: Uint8Array, contentType: string): Promise<void>;
}

export interface InboxDeps {
  incidents: IncidentDeps;
  records: InboxRecords;
  objects: InboxObjects;
  policy: InboxPolicy;
  /** One atomic count per rate budget (a normalised sender, verified or not) and window; `allowed` false past the limit. */
  rateLimit(budgetKey: string): Promise<{ allowed: boolean; count: number; limit: number; windowSeconds: number }>;
}

export type IntakeOutcome = 'created' | 'appended' | 'ignored';

export interface IntakeResult {
  objectKey: string;
  outcome: IntakeOutcome;
  incidentId?: string;
  reason?: string;
}

/** Where SES (and `mail receive` on the local stage) stores each received message. */
export const INBOUND_PREFIX = 'inbound/';

const iso = (millis: number) => new Date(millis).toISOString();

function dedupeKeyOf(message: InboundMessage, raw: Uint8Array): string {
  // Without a Message-ID, only the very same bytes are the same message.
  return message.messageId ? `id:${message.messageId}` : `sha256:${createHash('sha256').update(raw).digest('hex')}`;
}

/**
 * Stores what can be stored. A file the storage refuses (after the SDK's own retries) is listed
 * as dropped (`not_stored`) and flagged instead of failing the report: the raw message, kept in
 * the inbound bucket, still holds it.
 */
async function storeAttachments(deps: InboxDeps, incidentId: string, objectKey: string, message: InboundMessage, plans: AttachmentPlan[]): Promise<{ stored: MessageAttachment[]; notStored: number }> {
  // One folder per received message, so a retried delivery overwrites its own files only.
  const folder = `attachments/${incidentId}/${createHash('sha256').update(objectKey).digest('hex').slice(0, 16)}`;
  const stored: MessageAttachment[] = [];
  let notStored = 0;
  for (const plan of plans) {
    const entry: MessageAttachment = { name: plan.name, contentType: plan.contentType, size: plan.size };
    if (plan.dropped) {
      stored.push({ ...entry, dropped: plan.dropped });
      continue;
    }
    const key = `${folder}/${plan.index + 1}-${plan.name}`;
    try {
      await deps.objects.putAttachment(key, message.attachments[plan.index].content, plan.contentType);
      stored.push({ ...entry, key });
    } catch (error) {
      logger.error('attachment not stored; listed as dropped', { objectKey, attachment: plan.index + 1, error: describeError(error) });
      stored.push({ ...entry, dropped: 'not_stored' });
      notStored += 1;
    }
  }
  return { stored, notStored };
}

/** A claim still `processing` this long after it was made belongs to a run that ended (the function's timeout is 60 s). */
export const ABANDONED_CLAIM_MS = 5 * 60_000;

/**
 * Receives one message stored in the inbound bucket: reads it, de-duplicates it by Message-ID,
 * classifies it, and opens an incident, appends to one, or records it as ignored. Whatever the
 * message contains, this returns an outcome (a file the storage refuses is listed as dropped);
 * it throws only when the tables or the inbound bucket fail, so Lambda retries the event (then
 * its on-failure destination keeps it for a replay), and the raw object (which stays) is
 * processed again under the same claim and incident id: created once however often it runs.
 */
export async function receiveMessage(deps: InboxDeps, objectKey: string): Promise<IntakeResult> {
  const raw = await deps.objects.getRaw(objectKey);
  if (!raw) {
    logger.error('inbound object missing', { objectKey });
    return { objectKey, outcome: 'ignored', reason: 'missing_object' };
  }
  const message = await parseMessage(raw);
  const receivedAt = iso(deps.incidents.now());
  const dedupeKey = dedupeKeyOf(message, raw);
  const firstFrom = message.from[0]?.address.toLowerCase() ?? null;

  // Classified before the claim (classification reads only the message): a message ignored on
  // sight is claimed with its final outcome, one write instead of a claim and a finish.
  const disposition = classifyMessage(message, deps.policy);
  const ignoredOnSight = disposition.kind === 'ignore' ? disposition.reason : undefined;

  // The incident id is chosen with the claim, so a delivery retried after a failure opens the same incident.
  let incidentId = newIncidentId();
  const claim = await deps.records.claim(
    ignoredOnSight
      ? { dedupeKey, objectKey, incidentId, outcome: 'ignored', reason: ignoredOnSight, from: firstFrom, receivedAt }
      : { dedupeKey, objectKey, incidentId, outcome: 'processing', receivedAt },
  );
  if (claim.claimed && ignoredOnSight) {
    logger.info('inbound message ignored', { objectKey, reason: ignoredOnSight });
    return { objectKey, outcome: 'ignored', reason: ignoredOnSight };
  }
  if (!claim.claimed) {
    const { existing } = claim;
    // A claim that never finished (its run failed for good) does not swallow the message when it
    // arrives again under another key: carry on under that claim's incident id, so however many
    // runs get this far, the incident is created once (openEmailedIncident is idempotent by id).
    const abandoned = existing.outcome === 'processing' && Date.parse(existing.receivedAt) <= deps.incidents.now() - ABANDONED_CLAIM_MS;
    if (existing.objectKey !== objectKey && !abandoned) {
      await deps.records.recordDuplicate(objectKey, { incidentId: existing.incidentId, from: firstFrom, receivedAt });
      logger.info('inbound message ignored', { objectKey, reason: 'duplicate', firstObjectKey: existing.objectKey });
      return { objectKey, outcome: 'ignored', reason: 'duplicate', ...(existing.outcome === 'created' || existing.outcome === 'appended' ? { incidentId: existing.incidentId } : {}) };
    }
    if (existing.outcome !== 'processing' && existing.objectKey === objectKey) {
      // The same object delivered again (an S3 event replayed): the outcome it already had.
      return { objectKey, outcome: existing.outcome, ...(existing.reason ? { reason: existing.reason } : {}), ...(existing.outcome !== 'ignored' ? { incidentId: existing.incidentId } : {}) };
    }
    incidentId = existing.incidentId; // a retry after a failure mid-way (or an abandoned claim): carry on under the same claim
  }

  const ignore = async (reason: string): Promise<IntakeResult> => {
    await deps.records.finish(dedupeKey, 'ignored', { reason, from: firstFrom, receivedAt });
    logger.info('inbound message ignored', { objectKey, reason });
    return { objectKey, outcome: 'ignored', reason };
  };

  if (disposition.kind === 'ignore') return ignore(disposition.reason);

  const limit = await deps.rateLimit(disposition.rateKey);
  if (!limit.allowed) {
    if (limit.count === limit.limit + 1) await tellTeamOfFlood(deps, disposition.sender, limit, objectKey);
    return ignore('rate_limited');
  }

  const candidates = [...disposition.incidentIds, ...(await deps.records.incidentsReferenced(disposition.referencedIds))];
  const incidents = (await Promise.all([...new Set(candidates)].slice(0, 10).map((id) => deps.incidents.repo.get(id)))).filter((i) => i !== undefined);
  const threadId = chooseThread(disposition, incidents);

  const flagsWith = (notStored: number) => (notStored > 0 && !disposition.flags.includes('attachments_dropped') ? [...disposition.flags, 'attachments_dropped' as const] : disposition.flags);

  if (threadId) {
    const { stored: attachments, notStored } = await storeAttachments(deps, threadId, objectKey, message, disposition.attachments);
    await appendReporterMessage(
      deps.incidents,
      threadId,
      { text: disposition.details, via: 'email', attachments, rawMessageKey: objectKey, flags: flagsWith(notStored) },
      incidents.find((i) => i.id === threadId),
    );
    await deps.records.finish(dedupeKey, 'appended', { incidentId: threadId, from: disposition.sender, receivedAt });
    return { objectKey, outcome: 'appended', incidentId: threadId };
  }

  const { stored: attachments, notStored } = await storeAttachments(deps, incidentId, objectKey, message, disposition.attachments);
  const opened = await openEmailedIncident(deps.incidents, {
    id: incidentId,
    email: disposition.sender ?? '',
    summary: disposition.summary,
    details: disposition.details,
    flags: flagsWith(notStored),
    problems: disposition.problems,
    rawMessageKey: objectKey,
    attachments,
    thread: { messageId: message.messageId, references: message.referencedIds },
  });
  // The acknowledgement's record (a reply's In-Reply-To finds the incident by it) with the finish, in one request.
  const sent = opened.receiptMessageId ? { transportMessageId: opened.receiptMessageId, incidentId: opened.id, at: receivedAt } : undefined;
  await deps.records.finish(dedupeKey, 'created', { incidentId: opened.id, from: disposition.sender, receivedAt }, sent);
  return { objectKey, outcome: 'created', incidentId: opened.id };
}

async function tellTeamOfFlood(deps: InboxDeps, sender: string | null, limit: { limit: number; windowSeconds: number }, objectKey: string): Promise<void> {
  const to = teamAddressFor('security', deps.incidents.addresses);
  try {
    await deps.incidents.mailer.send({
      to,
      subject: 'Security inbox: a sender reached the rate limit',
      text: [
        `${sender ?? 'Mail with no single sender'} sent more than ${limit.limit} messages to the security address within ${limit.windowSeconds / 60} minutes.`,
        'Further messages from it in this window open no incident and are recorded as ignored (rate_limited);',
        'each raw message is kept in the inbound bucket, the first one over the limit at:',
        '',
        `  ${objectKey}`,
        '',
        'List them with:',
        '  npm run ops -- mail ignored --reason "<ticket or incident reference>"',
      ].join('\n'),
    });
  } catch (error) {
    logger.error('rate-limit notice not sent', { error: describeError(error) });
  }
}
