import { httpRoute } from '../lib/http/handler';
import { json } from '../lib/http/responses';
import { dynamoIncidentRepository } from '../lib/incidents/dynamo-incident-repository';
import { reporterView } from '../lib/incidents/public-views';
import { getIncidentRoute } from '../lib/incidents/schemas';
import { requireEnv } from '../lib/platform/config';

const repo = dynamoIncidentRepository(requireEnv('INCIDENTS_TABLE'));

/** GET /v1/incidents/{id} with X-Tracking-Token: the reporter's view (public updates only). */
export const handler = httpRoute(getIncidentRoute, async (request) =>
  json(200, await reporterView({ repo }, request.input.params.id, request.headers['x-tracking-token'])),
);
