import type { Advisory, Incident, IncidentStatus, TimelineEvent } from './model';

/** One change to an incident, applied atomically with its timeline entry (and advisory, on publish). */
export interface IncidentChange {
  /** The status the incident must still have; omitted for notes, which any status accepts. */
  expectedStatus?: IncidentStatus;
  set: Partial<Omit<Incident, 'id' | 'createdAt' | 'trackingTokenDigest'>>;
  event: TimelineEvent;
  advisory?: Advisory;
}

/** The incidents table as the domain needs it. The DynamoDB adapter implements it. */
export interface IncidentRepository {
  /** Stores a new incident and its first timeline entry. */
  create(incident: Incident, event: TimelineEvent): Promise<void>;
  /** Strongly consistent read; undefined when there is no such incident. */
  get(id: string): Promise<Incident | undefined>;
  /** The whole timeline, oldest first, internal entries included. */
  timeline(id: string): Promise<TimelineEvent[]>;
  /** Applies the change if the incident exists (and still has `expectedStatus`); false otherwise. */
  update(id: string, change: IncidentChange): Promise<boolean>;
  appendEvent(id: string, event: TimelineEvent): Promise<void>;
  /** Incidents in one status, newest first. */
  listByStatus(status: IncidentStatus): Promise<Incident[]>;
  /** Published advisories, newest first. */
  advisories(): Promise<Advisory[]>;
  /** Marks a received incident escalated unless it already is (or moved on); true for the one caller that won. */
  claimEscalation(id: string, at: string): Promise<boolean>;
  /** Undoes our own claim (the alert could not be sent), so the next run tries again. */
  releaseEscalation(id: string, at: string): Promise<void>;
  /** Marks a reminder sent for the reporter's last update, unless one already was; true for the winner. */
  claimReminder(id: string, status: IncidentStatus, lastReporterUpdateAt: string): Promise<boolean>;
  releaseReminder(id: string, lastReporterUpdateAt: string): Promise<void>;
}
