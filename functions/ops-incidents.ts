import { audit } from '../lib/audit';
import { incidentDepsFromEnv } from '../lib/incidents';
import { nowOverride } from '../lib/incidents/clock-override';
import { EMAIL_MAX } from '../lib/incidents/intake';
import { isIncidentStatus, parseManualTarget } from '../lib/incidents/model';
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
import { opsHandler, stringArg } from '../lib/ops/handler';
import { BadRequestError } from '../lib/platform/errors';

const incidents = incidentDepsFromEnv();

function idArg(args: Record<string, unknown>): string {
  const id = stringArg(args, 'id', { required: true, max: 100 }).trim();
  if (!/^inc_[A-Za-z0-9_-]{1,64}$/.test(id)) throw new BadRequestError('invalid_argument', 'ID must be an incident id (inc_…).');
  return id;
}

function textArg(args: Record<string, unknown>, name: string, max: number): string {
  const value = stringArg(args, name, { required: true, max }).trim();
  if (!value) throw new BadRequestError('missing_argument', `--${name} is required.`);
  return value;
}

function creditsArg(args: Record<string, unknown>): string[] {
  const raw = args.credits ?? [];
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length > TEXT_LIMITS.credits) throw new BadRequestError('invalid_argument', `At most ${TEXT_LIMITS.credits} --credit values.`);
  return list.map((c) => {
    if (typeof c !== 'string' || !c.trim() || c.length > TEXT_LIMITS.credit) throw new BadRequestError('invalid_argument', `Each --credit must be a name of 1 to ${TEXT_LIMITS.credit} characters.`);
    return c.trim();
  });
}

/**
 * `opsIncidents`: the incident commands of the ops CLI. Every action, reads included, is written
 * to the audit log with the verified caller, because incidents hold reporters' personal data.
 */
export const handler = opsHandler({
  async list(args, ctx) {
    const status = stringArg(args, 'status', { max: 40 });
    if (status !== undefined && !isIncidentStatus(status)) throw new BadRequestError('invalid_status', `Unknown status "${status}".`);
    const found = await listIncidents(incidents, status);
    await audit({ actor: ctx.actor.id, action: 'incidents.list', subject: 'incidents', details: { status: status ?? null, count: found.length } });
    return {
      incidents: found.map(({ id, status: s, scope, summary, createdAt, acknowledgeBy, acknowledgedAt, contact, escalatedAt }) => ({
        id, status: s, scope, summary, createdAt, acknowledgeBy, acknowledgedAt, contact, escalatedAt,
      })),
    };
  },

  /**
   * The reporter's email and report: customer data. The incident itself is the reference the
   * access rule asks for (docs/access.md), and the entry is written before anything is read, so
   * an attempt on an unknown id is audited too.
   */
  async show(args, ctx) {
    const id = idArg(args);
    await audit({ actor: ctx.actor.id, action: 'incidents.show', subject: id, reason: `incident ${id}` });
    return showIncident(incidents, id);
  },

  async ack(args, ctx) {
    const id = idArg(args);
    const contact = textArg(args, 'contact', TEXT_LIMITS.contact);
    const contactEmail = stringArg(args, 'contactEmail', { max: EMAIL_MAX })?.trim().toLowerCase();
    if (contactEmail !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(contactEmail)) throw new BadRequestError('invalid_argument', '--contact-email is not an email address.');
    const result = await acknowledgeIncident(incidents, id, { contact, contactEmail }, ctx.actor.id);
    await audit({ actor: ctx.actor.id, action: 'incidents.ack', subject: id, details: { contact } });
    return result;
  },

  async update(args, ctx) {
    const id = idArg(args);
    const message = textArg(args, 'message', TEXT_LIMITS.message);
    if (args.public !== undefined && typeof args.public !== 'boolean') throw new BadRequestError('invalid_argument', '--public is a flag.');
    const result = await addIncidentNote(incidents, id, { message, isPublic: args.public === true }, ctx.actor.id);
    await audit({ actor: ctx.actor.id, action: 'incidents.update', subject: id, details: { visibility: result.visibility } });
    return result;
  },

  async status(args, ctx) {
    const id = idArg(args);
    const target = parseManualTarget(args.status);
    const result = await changeIncidentStatus(incidents, id, target, ctx.actor.id);
    await audit({ actor: ctx.actor.id, action: 'incidents.status', subject: id, details: { from: result.from, to: target } });
    return result;
  },

  async publish(args, ctx) {
    const id = idArg(args);
    const title = textArg(args, 'title', TEXT_LIMITS.title);
    const summary = textArg(args, 'summary', TEXT_LIMITS.advisorySummary);
    const result = await publishIncident(incidents, id, { title, summary, credits: creditsArg(args) }, ctx.actor.id);
    await audit({ actor: ctx.actor.id, action: 'incidents.publish', subject: id, details: { credits: result.credits.length } });
    return result;
  },

  /** Runs the escalation job now; `now` (local stage only) runs it as if at that time. */
  async escalate(args, ctx) {
    const override = nowOverride(args.now);
    const deps = override === undefined ? incidents : { ...incidents, now: () => override };
    const result = await runEscalation(deps, ctx.actor.id, async (entry) => {
      await audit({ actor: ctx.actor.id, ...entry });
    });
    await audit({ actor: ctx.actor.id, action: 'incidents.escalate', subject: 'incidents', details: { now: result.now, clockOverride: override !== undefined } });
    return result;
  },
});
