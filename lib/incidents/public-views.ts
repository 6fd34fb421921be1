import { NotFoundError } from '../platform/errors';
import type { Advisory, IncidentStatus } from './model';
import type { IncidentRepository } from './repository';
import { trackingTokenMatches } from './tracking-tokens';

/** What GET /v1/incidents/{id} and GET /v1/security/advisories show: public fields only. */
export interface ReporterView {
  id: string;
  status: IncidentStatus;
  acknowledgedAt: string | null;
  contact: string | null;
  updates: Array<{ at: string; message: string }>;
}

/** The reporter's view: status and public updates only. A wrong id and a wrong token are the same 404. */
export async function reporterView(deps: { repo: IncidentRepository }, id: string, trackingToken: string | undefined): Promise<ReporterView> {
  const incident = /^inc_[A-Za-z0-9_-]{1,64}$/.test(id) ? await deps.repo.get(id) : undefined;
  if (!trackingTokenMatches(trackingToken, incident?.trackingTokenDigest) || !incident) {
    throw new NotFoundError('not_found', 'No incident with this id and tracking token.');
  }
  const timeline = await deps.repo.timeline(id);
  return {
    id: incident.id,
    status: incident.status,
    acknowledgedAt: incident.acknowledgedAt,
    contact: incident.contact,
    updates: timeline.filter((e) => e.kind === 'note' && e.visibility === 'public').map((e) => ({ at: e.at, message: e.message ?? '' })),
  };
}

export async function listAdvisories(deps: { repo: IncidentRepository }): Promise<Advisory[]> {
  return deps.repo.advisories();
}

