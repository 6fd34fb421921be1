import { httpHandler } from '../lib/http/handler';
import { json } from '../lib/http/responses';
import type { HttpRequest } from '../lib/http/types';
import { authenticateIfPresent } from '../lib/identity/authenticate';
import { incidentDepsFromEnv, reportIntakeFromEnv } from '../lib/incidents';
import { receiveReport } from '../lib/incidents/report-intake';
import type { IncidentDeps } from '../lib/incidents/service';

/** Finds the reporter's account from the request (a bearer token, if sent); undefined when none. */
export type IdentifyReporter = (request: HttpRequest) => Promise<string | undefined>;

export interface CreateIncidentOptions {
  identifyReporter: IdentifyReporter;
  incidents?: IncidentDeps;
}

const incidents = incidentDepsFromEnv();

/** POST /v1/incidents: a report in, `{id, trackingToken, status, acknowledgeBy}` out (202). */
export function createIncidentHandler(options: CreateIncidentOptions) {
  const intake = reportIntakeFromEnv(options.incidents ?? incidents);
  return httpHandler({ body: 'json', maxBodyBytes: 128 * 1024 }, async (request) =>
    json(202, await receiveReport(intake, request.body, { sourceIp: request.sourceIp, identify: () => options.identifyReporter(request) })),
  );
}

export const handler = createIncidentHandler({
  // A bearer token links the reporter's account; a presented but invalid token is a 401, like
  // everywhere else, rather than a report silently filed without the link the reporter expects.
  identifyReporter: async (request) => (await authenticateIfPresent(request, { touch: false }))?.userId,
});
