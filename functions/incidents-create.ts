import { httpRoute } from '../lib/http/handler';
import { json } from '../lib/http/responses';
import type { HttpRequest } from '../lib/http/types';
import { authenticateIfPresent } from '../lib/identity/authenticate';
import { acknowledgeBy } from '../lib/incidents/business-days';
import { incidentDepsFromEnv } from '../lib/incidents';
import { isHoneypot } from '../lib/incidents/intake';
import { createIncidentRoute } from '../lib/incidents/schemas';
import { newIncidentId, newTrackingToken } from '../lib/incidents/tracking-tokens';
import { submitIncident, type IncidentDeps } from '../lib/incidents/service';
import { intEnv, requireEnv } from '../lib/platform/config';
import { TooManyRequestsError } from '../lib/platform/errors';
import { logger } from '../lib/platform/logger';
import { countMetric } from '../lib/platform/metrics';
import { consumeRateLimit, type RateLimitRule } from '../lib/platform/rate-limit';

/** Finds the reporter's account from the request (a bearer token, if sent); undefined when none. */
export type IdentifyReporter = (request: HttpRequest) => Promise<string | undefined>;

export interface CreateIncidentOptions {
  identifyReporter: IdentifyReporter;
  incidents?: IncidentDeps;
}

const incidents = incidentDepsFromEnv();
const rateLimitsTable = requireEnv('RATE_LIMITS_TABLE');
const perIp: RateLimitRule = {
  scope: 'incidents-ip',
  limit: intEnv('INCIDENT_RATE_LIMIT', 5, { min: 1 }),
  windowSeconds: intEnv('INCIDENT_RATE_WINDOW_SECONDS', 3600, { min: 1 }),
};

/** POST /v1/incidents: the report arrives checked by its schema (lib/incidents/schemas.ts). */
export function createIncidentHandler(options: CreateIncidentOptions) {
  const deps = options.incidents ?? incidents;
  return httpRoute(createIncidentRoute, async (request) => {
    const limit = await consumeRateLimit(rateLimitsTable, perIp, request.sourceIp);
    if (!limit.allowed) throw new TooManyRequestsError(limit.retryAfterSeconds, 'too_many_reports', 'Too many reports from this address. Try again later.');

    if (isHoneypot(request.body)) {
      // Looks accepted, so a bot learns nothing; nothing is stored and nobody is mailed.
      logger.info('incident honeypot triggered');
      return json(202, { id: newIncidentId(), trackingToken: newTrackingToken(), status: 'received', acknowledgeBy: new Date(acknowledgeBy(deps.now(), deps.calendar)).toISOString() });
    }
    const userId = await options.identifyReporter(request);
    const submitted = await submitIncident(deps, request.input.body, { userId });
    countMetric('IncidentOpened');
    return json(202, submitted);
  });
}

export const handler = createIncidentHandler({
  // A bearer token links the reporter's account; a presented but invalid token is a 401, like
  // everywhere else, rather than a report silently filed without the link the reporter expects.
  identifyReporter: async (request) => (await authenticateIfPresent(request, { touch: false }))?.userId,
});
