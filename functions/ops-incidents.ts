import * as z from 'zod/mini';
import { REASON_MAX_LENGTH, requireAccessReason } from '../lib/access/reason';
import { preprocess } from '../lib/platform/zod-mini';
import { audit } from '../lib/audit';
import { incidentDepsFromEnv } from '../lib/incidents';
import { nowOverride } from '../lib/incidents/clock-override';
import { INCIDENT_STATUSES, isIncidentStatus, parseManualTarget, type IncidentStatus } from '../lib/incidents/model';
import {
  acknowledgeIncident,
  addIncidentNote,
  changeIncidentStatus,
  listIncidents,
  publishIncident,
  runEscalation,
  showIncident,
  TEXT_LIMITS,
} from '../lib/incidents/service';
import { dynamoInboxRecords } from '../lib/inbox/dynamo-inbox-records';
import { flag, optionalEmail, optionalText, refusal, requiredText, wholeNumber } from '../lib/ops/args';
import { action, opsHandler } from '../lib/ops/handler';
import { requireEnv } from '../lib/platform/config';

const incidents = incidentDepsFromEnv();
const inboxRecords = dynamoInboxRecords(requireEnv('INCIDENTS_TABLE'));

/** An incident id (`inc_…`). */
const incidentId = z.pipe(requiredText(100), z.string().check(z.regex(/^inc_[A-Za-z0-9_-]{1,64}$/, 'ID must be an incident id (inc_…).')));

const contactEmail = optionalEmail('contact-email');

/** `--credit NAME`, repeatable: the CLI sends a list (or one name). */
const creditMessage = `Each --credit must be a name of 1 to ${TEXT_LIMITS.credit} characters.`;
const credits = preprocess(
  (value) => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]),
  z.array(z.string(creditMessage).check(z.maxLength(TEXT_LIMITS.credit, creditMessage), z.trim(), z.minLength(1, creditMessage))).check(z.maxLength(TEXT_LIMITS.credits, `At most ${TEXT_LIMITS.credits} --credit values.`)),
);

/**
 * `opsIncidents`: the incident commands of the ops CLI. Every action, reads included, is written
 * to the audit log with the verified caller, because incidents hold reporters' personal data; each
 * entry is written before the action reads, stores or mails anything (an action then refused, e.g.
 * a status the incident cannot move to, stays audited as an attempt).
 */
export const handler = opsHandler({
  list: action(
    z.object({
      status: optionalText(40).check(z.refine((status: string | undefined) => status === undefined || isIncidentStatus(status), refusal('invalid_status', `STATUS must be one of: ${INCIDENT_STATUSES.join(', ')}.`))),
    }),
    async ({ status }, ctx) => {
      // Summaries are reporters' words: the entry is written before anything is read (the
      // command keeps its documented arguments, ../shared/API.md: no reason, it lists no addresses).
      await audit({ actor: ctx.actor.id, action: 'incidents.list', subject: 'incidents', details: { status: status ?? null } });
      const found = await listIncidents(incidents, status as IncidentStatus | undefined);
      return {
        incidents: found.map(({ id, status: s, scope, summary, createdAt, acknowledgeBy, acknowledgedAt, contact, escalatedAt, source, flags }) => ({
          id, status: s, scope, source: source ?? 'web', flags: flags ?? [], summary, createdAt, acknowledgeBy, acknowledgedAt, contact, escalatedAt,
        })),
      };
    },
  ),

  /**
   * The reporter's email and report: customer data. The incident itself is the reference the
   * access rule asks for (docs/access.md), and the entry is written before anything is read, so
   * an attempt on an unknown id is audited too.
   */
  show: action(z.object({ id: incidentId }), async ({ id }, ctx) => {
    await audit({ actor: ctx.actor.id, action: 'incidents.show', subject: id, reason: `incident ${id}` });
    return showIncident(incidents, id);
  }),

  /**
   * The security inbox's ignored messages (auto-replies, bounces, lists, duplicates, rate-limited),
   * newest first. They name senders' addresses: like `customers show`, a ticket or incident
   * reference is required and the entry is written before anything is read.
   */
  ignored: action(z.object({ limit: wholeNumber(1, 500, 50), reason: optionalText(REASON_MAX_LENGTH * 2) }), async ({ limit, reason: given }, ctx) => {
    const reason = requireAccessReason(given);
    await audit({ actor: ctx.actor.id, action: 'incidents.inbox-ignored', subject: 'inbox', reason, details: { limit } });
    return { messages: await inboxRecords.listIgnored(limit) };
  }),

  ack: action(z.object({ id: incidentId, contact: requiredText(TEXT_LIMITS.contact), contactEmail }), async ({ id, contact, contactEmail: email }, ctx) => {
    // Audited first (issue 24): a refused audit write leaves the incident as it was and mails no one.
    await audit({ actor: ctx.actor.id, action: 'incidents.ack', subject: id, details: { contact } });
    return acknowledgeIncident(incidents, id, { contact, contactEmail: email }, ctx.actor.id);
  }),

  update: action(z.object({ id: incidentId, message: requiredText(TEXT_LIMITS.message), public: flag() }), async ({ id, message, public: isPublic }, ctx) => {
    await audit({ actor: ctx.actor.id, action: 'incidents.update', subject: id, details: { visibility: isPublic ? 'public' : 'internal' } });
    return addIncidentNote(incidents, id, { message, isPublic }, ctx.actor.id);
  }),

  // Which statuses may be set by hand is a domain rule (parseManualTarget), not a shape.
  status: action(z.object({ id: incidentId, status: z.unknown() }), async ({ id, status }, ctx) => {
    const target = parseManualTarget(status);
    await audit({ actor: ctx.actor.id, action: 'incidents.status', subject: id, details: { to: target } });
    return changeIncidentStatus(incidents, id, target, ctx.actor.id);
  }),

  publish: action(
    z.object({ id: incidentId, title: requiredText(TEXT_LIMITS.title), summary: requiredText(TEXT_LIMITS.advisorySummary), credits }),
    async ({ id, ...advisory }, ctx) => {
      await audit({ actor: ctx.actor.id, action: 'incidents.publish', subject: id, details: { credits: advisory.credits.length } });
      return publishIncident(incidents, id, advisory, ctx.actor.id);
    },
  ),

  /** Runs the escalation job now; `now` (local stage only) runs it as if at that time (nowOverride holds that rule). */
  escalate: action(z.object({ now: z.unknown() }), async ({ now }, ctx) => {
    const override = nowOverride(now);
    const deps = override === undefined ? incidents : { ...incidents, now: () => override };
    const result = await runEscalation(deps, ctx.actor.id, async (entry) => {
      await audit({ actor: ctx.actor.id, ...entry });
    });
    await audit({ actor: ctx.actor.id, action: 'incidents.escalate', subject: 'incidents', details: { now: result.now, clockOverride: override !== undefined } });
    return result;
  }),
});
