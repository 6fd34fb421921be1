import { BadRequestError, ConflictError, NotFoundError } from '../platform/errors';
import { describeError, logger } from '../platform/logger';
import type { Mail, Mailer } from '../platform/mailer';
import { acknowledgeBy, addBusinessDays, type BusinessCalendar } from './business-days';
import type { IncidentReport } from './intake';
import { PLAIN_NAME_RULE, plainNameProblem } from './plain-text';
import {
  acknowledgedMail,
  escalationMail,
  publicUpdateMail,
  publishedMail,
  receiptMail,
  reminderMail,
  reporterMessageMail,
  teamAlertMail,
  type MailContext,
} from './mail';
import {
  assertTransition,
  INCIDENT_STATUSES,
  InvalidTransitionError,
  mayMailReporter,
  type Advisory,
  type MessageAttachment,
  type Incident,
  type IncidentScope,
  type IncidentStatus,
  type TimelineEvent,
} from './model';
import type { IncidentRepository } from './repository';
import { newIncidentId, newTrackingToken, trackingTokenDigest } from './tracking-tokens';

export interface IncidentAddresses {
  securityTeam: string;
  /** The public security address (the inbox); replies to acknowledgements go there. */
  securityTeamInbox?: string;
  support: string;
  teamLead: string;
}

/** What the incident capability needs from the outside: storage, mail, the calendar and a clock. */
export interface IncidentDeps {
  repo: IncidentRepository;
  mailer: Mailer;
  calendar: BusinessCalendar;
  /** Epoch milliseconds. */
  now: () => number;
  addresses: IncidentAddresses;
  mail: MailContext;
  /** Business days without a public update after which the point of contact is reminded. */
  reminderBusinessDays: number;
}

export const TEXT_LIMITS = { contact: 100, contactEmail: 254, message: 5000, title: 200, advisorySummary: 2000, credit: 100, credits: 20 } as const;

const iso = (millis: number) => new Date(millis).toISOString();

/** Sends mail without letting a mail failure undo what is already stored; says whether it went. */
async function trySend(mailer: Mailer, mail: Mail, purpose: string, incidentId: string): Promise<boolean> {
  return (await sendForId(mailer, mail, purpose, incidentId)) !== false;
}

/** As trySend, but hands back the transport's message id (what a reply's In-Reply-To will name). */
async function sendForId(mailer: Mailer, mail: Mail, purpose: string, incidentId: string): Promise<string | undefined | false> {
  try {
    const sent = await mailer.send(mail);
    return sent?.messageId;
  } catch (error) {
    logger.error('incident mail not sent', { purpose, incidentId, error: describeError(error) });
    return false;
  }
}

export function teamAddressFor(scope: IncidentScope, addresses: IncidentAddresses): string {
  // Reports about a single account go to support; everything else to the security team.
  return scope === 'account' ? addresses.support : addresses.securityTeam;
}

// ------------------------------------------------------------------------------------ intake

export interface SubmittedIncident {
  id: string;
  trackingToken: string;
  status: 'received';
  acknowledgeBy: string;
}

function newIncident(deps: IncidentDeps, fields: Pick<Incident, 'id' | 'scope' | 'email' | 'summary' | 'details' | 'creditAs' | 'userId' | 'source' | 'flags' | 'rawMessageKey'>, trackingToken: string): Incident {
  const now = deps.now();
  return {
    ...fields,
    status: 'received',
    trackingTokenDigest: trackingTokenDigest(trackingToken),
    createdAt: iso(now),
    acknowledgeBy: iso(acknowledgeBy(now, deps.calendar)),
    acknowledgedAt: null,
    contact: null,
    contactEmail: null,
    lastReporterUpdateAt: null,
    escalatedAt: null,
    reminderSentFor: null,
    resolvedAt: null,
    publishedAt: null,
    closedAt: null,
    updatedAt: iso(now),
  };
}

export async function submitIncident(deps: IncidentDeps, report: IncidentReport, reporter: { userId?: string }): Promise<SubmittedIncident> {
  const trackingToken = newTrackingToken();
  const incident = newIncident(
    deps,
    { id: newIncidentId(), scope: report.scope, email: report.email, summary: report.summary, details: report.details, creditAs: report.creditAs, userId: reporter.userId ?? null, source: 'web', flags: null, rawMessageKey: null },
    trackingToken,
  );
  await deps.repo.create(incident, { at: incident.createdAt, actor: 'reporter', kind: 'received', visibility: 'internal', to: 'received' });
  await Promise.all([
    trySend(deps.mailer, receiptMail(deps.mail, incident, trackingToken), 'receipt', incident.id),
    trySend(deps.mailer, teamAlertMail(teamAddressFor(incident.scope, deps.addresses), incident), 'team-alert', incident.id),
  ]);
  logger.info('incident received', { incidentId: incident.id, scope: incident.scope, linkedAccount: incident.userId !== null });
  return { id: incident.id, trackingToken, status: 'received', acknowledgeBy: incident.acknowledgeBy };
}

/** A report that arrived by mail, as the security inbox read it (lib/inbox). */
export interface EmailedReport {
  /** Chosen by the inbox before anything is stored, so a retried delivery opens the same incident. */
  id: string;
  /** The sender, or '' when the message names no single sender. */
  email: string;
  summary: string;
  details: string;
  flags: string[];
  /** What could not be read, for the team (`parse_problem`). */
  problems: string[];
  rawMessageKey: string;
  attachments: MessageAttachment[];
  /** The received message's Message-ID and thread: the acknowledgement answers it. */
  thread: { messageId: string | null; references: string[] };
}

export interface OpenedEmailIncident {
  id: string;
  /** False when the incident already existed (a retried delivery): nothing was mailed again. */
  created: boolean;
  acknowledgeBy: string;
  /** The acknowledgement's transport message id, when one was sent. */
  receiptMessageId?: string;
}

/**
 * Opens an incident for a mailed report: the same lifecycle, clock and acknowledgement as the
 * web form, the acknowledgement sent as a reply in the reporter's thread (and never when the
 * sender is unverified or unknown). The team alert names the flags and problems.
 */
export async function openEmailedIncident(deps: IncidentDeps, report: EmailedReport): Promise<OpenedEmailIncident> {
  const trackingToken = newTrackingToken();
  const incident = newIncident(
    deps,
    { id: report.id, scope: 'security', email: report.email, summary: report.summary, details: report.details, creditAs: null, userId: null, source: 'email', flags: report.flags.length ? report.flags : null, rawMessageKey: report.rawMessageKey },
    trackingToken,
  );
  try {
    await deps.repo.create(incident, {
      at: incident.createdAt,
      actor: 'reporter',
      kind: 'received',
      visibility: 'internal',
      to: 'received',
      via: 'email',
      attachments: report.attachments,
      rawMessageKey: report.rawMessageKey,
      ...(report.problems.length ? { message: `Parse problems: ${report.problems.join('; ')}` } : {}),
    });
  } catch (error) {
    const existing = await deps.repo.get(report.id);
    if (!existing) throw error;
    return { id: existing.id, created: false, acknowledgeBy: existing.acknowledgeBy };
  }
  const replyHeaders = report.thread.messageId ? { inReplyTo: report.thread.messageId, references: [...report.thread.references, report.thread.messageId] } : {};
  const [receiptMessageId] = await Promise.all([
    mayMailReporter(incident)
      ? sendForId(deps.mailer, { ...receiptMail(deps.mail, incident, trackingToken), ...replyHeaders, replyTo: deps.addresses.securityTeamInbox ?? deps.addresses.securityTeam, autoReply: true }, 'receipt', incident.id)
      : Promise.resolve(false as const),
    trySend(deps.mailer, teamAlertMail(teamAddressFor(incident.scope, deps.addresses), incident, { problems: report.problems, attachments: report.attachments }), 'team-alert', incident.id),
  ]);
  logger.info('incident received by mail', { incidentId: incident.id, flags: report.flags, attachments: report.attachments.length, acknowledged: receiptMessageId !== false });
  return { id: incident.id, created: true, acknowledgeBy: incident.acknowledgeBy, ...(receiptMessageId ? { receiptMessageId } : {}) };
}

/**
 * A reporter's further message (a reply to the acknowledgement): appended to the incident's
 * timeline and the point of contact (or the team, before acknowledgement) is told.
 */
export async function appendReporterMessage(
  deps: IncidentDeps,
  id: string,
  input: { text: string; via: 'web' | 'email'; attachments: MessageAttachment[]; rawMessageKey?: string; flags?: string[] },
  /** The incident as the caller just read it (strongly consistent), to save a second read. */
  known?: Incident,
): Promise<{ id: string; at: string; contactNotified: boolean }> {
  const incident = known?.id === id ? known : await requireIncident(deps, id);
  const at = iso(deps.now());
  const applied = await deps.repo.update(id, {
    set: { updatedAt: at },
    event: { at, actor: 'reporter', kind: 'message', visibility: 'internal', message: input.text, via: input.via, attachments: input.attachments, ...(input.rawMessageKey ? { rawMessageKey: input.rawMessageKey } : {}) },
  });
  if (!applied) throw new NotFoundError('not_found', `No incident ${id}.`);
  const to = incident.contactEmail ?? teamAddressFor(incident.scope, deps.addresses);
  const contactNotified = await trySend(deps.mailer, reporterMessageMail(to, incident, input.attachments, input.flags ?? []), 'reporter-message', id);
  logger.info('reporter message appended', { incidentId: id, via: input.via, attachments: input.attachments.length });
  return { id, at, contactNotified };
}

// ------------------------------------------------------------------------------------ reporter

// The public views live apart so the public read functions load neither the mailer nor the
// holiday calendar (date-holidays brings moment-timezone with every zone's data).
export { listAdvisories, reporterView, type ReporterView } from './public-views';

// ------------------------------------------------------------------------------------ ops

async function requireIncident(deps: IncidentDeps, id: string): Promise<Incident> {
  const incident = await deps.repo.get(id);
  if (!incident) throw new NotFoundError('not_found', `No incident ${id}.`);
  return incident;
}

/** What ops see of an incident: everything but the token digest. */
export type IncidentRecord = Omit<Incident, 'trackingTokenDigest'>;
function record(incident: Incident): IncidentRecord {
  const { trackingTokenDigest: _digest, ...rest } = incident;
  return rest;
}

export async function listIncidents(deps: IncidentDeps, status?: IncidentStatus): Promise<IncidentRecord[]> {
  const statuses = status ? [status] : [...INCIDENT_STATUSES];
  const lists = await Promise.all(statuses.map((s) => deps.repo.listByStatus(s)));
  return lists
    .flat()
    .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0))
    .map(record);
}

/** One thing the reporter said: the report itself (web form or mail), then every further message. */
export interface ReporterMessage {
  at: string;
  via: 'web' | 'email';
  text: string;
  attachments: MessageAttachment[];
  rawMessageKey?: string;
}

export async function showIncident(
  deps: IncidentDeps,
  id: string,
): Promise<IncidentRecord & { timeline: TimelineEvent[]; messages: ReporterMessage[]; attachments: Array<MessageAttachment & { at: string }> }> {
  const incident = await requireIncident(deps, id);
  const timeline = await deps.repo.timeline(id);
  const received = timeline.find((e) => e.kind === 'received');
  const messages: ReporterMessage[] = [
    {
      at: incident.createdAt,
      via: incident.source ?? 'web',
      text: incident.details,
      attachments: received?.attachments ?? [],
      ...(incident.rawMessageKey ? { rawMessageKey: incident.rawMessageKey } : {}),
    },
    ...timeline
      .filter((e) => e.kind === 'message')
      .map((e) => ({ at: e.at, via: e.via ?? 'web', text: e.message ?? '', attachments: e.attachments ?? [], ...(e.rawMessageKey ? { rawMessageKey: e.rawMessageKey } : {}) })),
  ];
  const attachments = messages.flatMap((m) => m.attachments.map((a) => ({ ...a, at: m.at })));
  return { ...record(incident), timeline, messages, attachments };
}

/**
 * Applies a status-changing update, or explains why not: the incident moved under us (someone
 * else changed it) or never was in a state that allows the move.
 */
async function transition(deps: IncidentDeps, incident: Incident, target: IncidentStatus, change: Omit<Parameters<IncidentRepository['update']>[1], 'expectedStatus'>) {
  assertTransition(incident.status, target);
  const applied = await deps.repo.update(incident.id, { ...change, expectedStatus: incident.status });
  if (!applied) {
    const now = await deps.repo.get(incident.id);
    if (!now) throw new NotFoundError('not_found', `No incident ${incident.id}.`);
    throw new InvalidTransitionError(now.status, target);
  }
}

export async function acknowledgeIncident(deps: IncidentDeps, id: string, input: { contact: string; contactEmail?: string }, actor: string) {
  // The contact's name is mailed to the reporter and shown in the timeline: plain text only.
  if (plainNameProblem(input.contact)) throw new BadRequestError('invalid_contact', `--contact must be ${PLAIN_NAME_RULE}.`);
  const incident = await requireIncident(deps, id);
  const at = iso(deps.now());
  await transition(deps, incident, 'acknowledged', {
    set: { status: 'acknowledged', acknowledgedAt: at, contact: input.contact, contactEmail: input.contactEmail ?? null, lastReporterUpdateAt: at, updatedAt: at },
    event: { at, actor, kind: 'status', visibility: 'internal', from: incident.status, to: 'acknowledged', message: `Point of contact: ${input.contact}` },
  });
  const reporterNotified = mayMailReporter(incident) && (await trySend(deps.mailer, acknowledgedMail(deps.mail, incident, input.contact), 'acknowledged', id));
  return { id, status: 'acknowledged' as const, acknowledgedAt: at, contact: input.contact, reporterNotified };
}

export async function addIncidentNote(deps: IncidentDeps, id: string, input: { message: string; isPublic: boolean }, actor: string) {
  const incident = await requireIncident(deps, id);
  const at = iso(deps.now());
  const applied = await deps.repo.update(id, {
    set: input.isPublic ? { lastReporterUpdateAt: at, updatedAt: at } : { updatedAt: at },
    event: { at, actor, kind: 'note', visibility: input.isPublic ? 'public' : 'internal', message: input.message },
  });
  if (!applied) throw new NotFoundError('not_found', `No incident ${id}.`);
  const reporterNotified = input.isPublic && mayMailReporter(incident) ? await trySend(deps.mailer, publicUpdateMail(deps.mail, incident, input.message), 'public-update', id) : false;
  return { id, at, visibility: input.isPublic ? 'public' : 'internal', reporterNotified };
}

export async function changeIncidentStatus(deps: IncidentDeps, id: string, target: 'investigating' | 'resolved' | 'closed', actor: string) {
  const incident = await requireIncident(deps, id);
  const at = iso(deps.now());
  const set: Parameters<IncidentRepository['update']>[1]['set'] = { status: target, updatedAt: at };
  if (target === 'resolved') set.resolvedAt = at;
  if (target === 'closed') set.closedAt = at;
  await transition(deps, incident, target, { set, event: { at, actor, kind: 'status', visibility: 'internal', from: incident.status, to: target } });
  return { id, from: incident.status, status: target, at };
}

/**
 * Publishes the advisory. Credits are the names given, plus the reporter's own `creditAs` when
 * they consented; the reporter's email is never published unless it is the name they chose.
 */
export async function publishIncident(deps: IncidentDeps, id: string, input: { title: string; summary: string; credits: string[] }, actor: string) {
  if (input.credits.some((c) => plainNameProblem(c))) throw new BadRequestError('invalid_credit', `Each --credit must be ${PLAIN_NAME_RULE}.`);
  const incident = await requireIncident(deps, id);
  assertTransition(incident.status, 'published');
  const credits: string[] = [];
  for (const name of [...input.credits, ...(incident.creditAs ? [incident.creditAs] : [])]) {
    const trimmed = name.trim();
    if (trimmed && !credits.includes(trimmed)) credits.push(trimmed);
  }
  if (credits.some((c) => c.toLowerCase() === incident.email.toLowerCase() && c !== incident.creditAs)) {
    throw new BadRequestError('credit_without_consent', "A credit names the reporter's email address, which they did not consent to publish.");
  }
  // A reporter's creditAs stored before names had to be plain text is checked again here.
  if (credits.some((c) => plainNameProblem(c))) throw new BadRequestError('invalid_credit', `The reporter's stored credit name is not ${PLAIN_NAME_RULE}; ask them for another name before publishing.`);
  if (credits.length > TEXT_LIMITS.credits) throw new BadRequestError('invalid_argument', `At most ${TEXT_LIMITS.credits} credits.`);
  if (!incident.resolvedAt) throw new ConflictError('not_resolved', `Incident ${id} has no resolution time.`);
  const at = iso(deps.now());
  const advisory: Advisory = { id, title: input.title, summary: input.summary, resolvedAt: incident.resolvedAt, publishedAt: at, credits };
  await transition(deps, incident, 'published', {
    set: { status: 'published', publishedAt: at, lastReporterUpdateAt: at, updatedAt: at },
    event: { at, actor, kind: 'status', visibility: 'internal', from: incident.status, to: 'published', message: `Advisory: ${input.title}` },
    advisory,
  });
  const reporterNotified = mayMailReporter(incident) && (await trySend(deps.mailer, publishedMail(deps.mail, incident, input.title, incident.creditAs !== null && credits.includes(incident.creditAs)), 'published', id));
  return { ...advisory, status: 'published' as const, reporterNotified };
}

// ------------------------------------------------------------------------------------ escalation

export interface EscalationRun {
  now: string;
  escalated: string[];
  reminded: string[];
  failed: string[];
}

/**
 * The scheduled job: escalates reports not acknowledged by their deadline (once per incident, to
 * the team lead) and reminds the point of contact when the reporter has heard nothing for the
 * configured number of business days (once per silence). Each notice is claimed with a
 * conditional write before it is sent, so overlapping runs send it once; a notice that cannot be
 * sent is released for the next run.
 */
export async function runEscalation(deps: IncidentDeps, actor: string, audit: (entry: { action: string; subject: string; details?: Record<string, string> }) => Promise<void>): Promise<EscalationRun> {
  const nowMillis = deps.now();
  const at = iso(nowMillis);
  const run: EscalationRun = { now: at, escalated: [], reminded: [], failed: [] };

  for (const incident of await deps.repo.listByStatus('received')) {
    if (incident.escalatedAt || Date.parse(incident.acknowledgeBy) > nowMillis) continue;
    if (!(await deps.repo.claimEscalation(incident.id, at))) continue;
    if (!(await trySend(deps.mailer, escalationMail(deps.addresses.teamLead, incident), 'escalation', incident.id))) {
      await deps.repo.releaseEscalation(incident.id, at);
      run.failed.push(incident.id);
      continue;
    }
    await deps.repo.appendEvent(incident.id, { at, actor, kind: 'escalated', visibility: 'internal', message: `Not acknowledged by ${incident.acknowledgeBy}; team lead alerted.` });
    await audit({ action: 'incidents.escalated', subject: incident.id, details: { acknowledgeBy: incident.acknowledgeBy } });
    run.escalated.push(incident.id);
  }

  for (const status of ['acknowledged', 'investigating', 'resolved'] as const) {
    for (const incident of await deps.repo.listByStatus(status)) {
      const last = incident.lastReporterUpdateAt;
      if (!last || incident.reminderSentFor === last) continue;
      if (addBusinessDays(Date.parse(last), deps.reminderBusinessDays, deps.calendar) > nowMillis) continue;
      if (!(await deps.repo.claimReminder(incident.id, status, last))) continue;
      const to = incident.contactEmail ?? teamAddressFor(incident.scope, deps.addresses);
      if (!(await trySend(deps.mailer, reminderMail(to, incident, deps.reminderBusinessDays), 'reminder', incident.id))) {
        await deps.repo.releaseReminder(incident.id, last);
        run.failed.push(incident.id);
        continue;
      }
      await deps.repo.appendEvent(incident.id, { at, actor, kind: 'reminder', visibility: 'internal', message: `Reminded ${incident.contact ?? 'the team'}: no public update since ${last}.` });
      await audit({ action: 'incidents.reminded', subject: incident.id, details: { lastReporterUpdateAt: last } });
      run.reminded.push(incident.id);
    }
  }
  logger.info('incident escalation run', { escalated: run.escalated.length, reminded: run.reminded.length, failed: run.failed.length });
  return run;
}
