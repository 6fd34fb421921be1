import { httpRoute } from '../lib/http/handler';
import { json } from '../lib/http/responses';
import { dynamoIncidentRepository } from '../lib/incidents/dynamo-incident-repository';
import { listAdvisories } from '../lib/incidents/public-views';
import { listAdvisoriesRoute } from '../lib/incidents/schemas';
import { requireEnv } from '../lib/platform/config';

const repo = dynamoIncidentRepository(requireEnv('INCIDENTS_TABLE'));

/** GET /v1/security/advisories: published incidents only (security.txt's Acknowledgments). */
export const handler = httpRoute(listAdvisoriesRoute, async () => json(200, { advisories: await listAdvisories({ repo }) }));
