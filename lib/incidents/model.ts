import { BadRequestError, ConflictError } from '../platform/errors';

/** The incident lifecycle of API.md: received → acknowledged → investigating → resolved → published, or closed. */
export const INCIDENT_STATUSES = ['received', 'acknowledged', 'investigating', 'resolved', 'published', 'closed'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export const INCIDENT_SCOPES = ['security', 'account'] as const;
export type IncidentScope = (typeof INCIDENT_SCOPES)[number];

/**
 * Allowed moves. `acknowledged` is reached only by `ack` (it records the point of contact) and
 * `published` only by `publish` (it builds the advisory); `closed` ends a report that needs no
 * advisory, from any state before publication.
 */
export const TRANSITIONS: Readonly<Record<IncidentStatus, readonly IncidentStatus[]>> = {
  received: ['acknowledged', 'closed'],
  acknowledged: ['investigating', 'closed'],
  investigating: ['resolved', 'closed'],
  resolved: ['published', 'closed'],
  published: [],
  closed: [],
};

/** The statuses `incidents status ID STATUS` may move to; the others have their own command. */
export const MANUAL_TARGETS = ['investigating', 'resolved', 'closed'] as const satisfies readonly IncidentStatus[];

export function isIncidentStatus(value: unknown): value is IncidentStatus {
  return typeof value === 'string' && (INCIDENT_STATUSES as readonly string[]).includes(value);
}

export class InvalidTransitionError extends ConflictError {
  constructor(
    readonly current: IncidentStatus,
    readonly target: IncidentStatus,
  ) {
    const allowed = TRANSITIONS[current];
    super(
      'invalid_transition',
      `The incident is ${current}; it cannot move to ${target}. ${allowed.length ? `From ${current} it can move to: ${allowed.join(', ')}.` : `${current} is final.`}`,
    );
  }
}

/** Throws InvalidTransitionError (409, naming the current status) unless `current → target` is allowed. */
export function assertTransition(current: IncidentStatus, target: IncidentStatus): void {
  if (!TRANSITIONS[current].includes(target)) throw new InvalidTransitionError(current, target);
}

/** Checks the target of a manual status change; `acknowledged` and `published` point to their command. */
export function parseManualTarget(value: unknown): (typeof MANUAL_TARGETS)[number] {
  if (value === 'acknowledged') throw new BadRequestError('invalid_status', 'Use `incidents ack ID --contact NAME` to acknowledge an incident.');
  if (value === 'published') throw new BadRequestError('invalid_status', 'Use `incidents publish ID --title T --summary S` to publish an incident.');
  if (typeof value !== 'string' || !(MANUAL_TARGETS as readonly string[]).includes(value)) {
    throw new BadRequestError('invalid_status', `STATUS must be one of: ${MANUAL_TARGETS.join(', ')}.`);
  }
  return value as (typeof MANUAL_TARGETS)[number];
}

/** The incident item (`pk = INCIDENT#<id>`, `sk = META`) as the domain sees it. */
export interface Incident {
  id: string;
  status: IncidentStatus;
  scope: IncidentScope;
  email: string;
  summary: string;
  details: string;
  /** How the reporter asked to be credited, only when they consented; null otherwise. */
  creditAs: string | null;
  userId: string | null;
  trackingTokenDigest: string;
  createdAt: string;
  acknowledgeBy: string;
  acknowledgedAt: string | null;
  contact: string | null;
  contactEmail: string | null;
  /** When the reporter last heard from us (ack, public note, publication); reminders count from it. */
  lastReporterUpdateAt: string | null;
  escalatedAt: string | null;
  /** The lastReporterUpdateAt a reminder was already sent for: one reminder per silence. */
  reminderSentFor: string | null;
  resolvedAt: string | null;
  publishedAt: string | null;
  closedAt: string | null;
  updatedAt: string;
  /** How the report arrived: the web form (or API), or mail to the security address. null on reports older than the inbox: web. */
  source: 'web' | 'email' | null;
  /** What the team must know before trusting or answering the report (e.g. `unverified_sender`, `parse_problem`); null: none. */
  flags: string[] | null;
  /** The raw message in the inbound bucket, for reports that arrived by mail. */
  rawMessageKey: string | null;
}

/**
 * Whether mail may go to the reporter's address: not when the report names no sender, nor when
 * the receipt's SPF/DKIM/DMARC verdicts failed (mailing a forged address is backscatter).
 */
export function mayMailReporter(incident: Pick<Incident, 'email' | 'flags'>): boolean {
  return incident.email !== '' && !(incident.flags ?? []).includes('unverified_sender');
}

/** A file that came with a reporter's message: stored (S3 key) or listed as dropped, with why. */
export interface MessageAttachment {
  name: string;
  contentType: string;
  size: number;
  key?: string;
  dropped?: string;
}

export type TimelineKind = 'received' | 'status' | 'note' | 'escalated' | 'reminder' | 'message';

/** One entry of an incident's timeline: every transition and note, with who and when. */
export interface TimelineEvent {
  at: string;
  actor: string;
  kind: TimelineKind;
  /** public entries are shown to the reporter; internal ones never are. */
  visibility: 'public' | 'internal';
  from?: IncidentStatus;
  to?: IncidentStatus;
  message?: string;
  /** On `received` and `message` entries: how the reporter's words arrived. */
  via?: 'web' | 'email';
  attachments?: MessageAttachment[];
  /** On entries from mail: the raw message in the inbound bucket. */
  rawMessageKey?: string;
}

export interface Advisory {
  id: string;
  title: string;
  summary: string;
  resolvedAt: string;
  publishedAt: string;
  credits: string[];
}
