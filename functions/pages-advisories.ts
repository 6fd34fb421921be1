import { httpRoute } from '../lib/http/handler';
import { htmlPage } from '../lib/http/responses';
import { dynamoIncidentRepository } from '../lib/incidents/dynamo-incident-repository';
import { listAdvisories } from '../lib/incidents/public-views';
import { renderAdvisoriesPage } from '../lib/pages/advisories-page';
import { parseAssetManifest } from '../lib/pages/assets';
import { advisoriesPageRoute } from '../lib/pages/schemas';
import { requireEnv } from '../lib/platform/config';

const assets = parseAssetManifest(requireEnv('WEB_ASSETS'));
const repo = dynamoIncidentRepository(requireEnv('INCIDENTS_TABLE'));

/** GET /security/advisories: published advisories with their credits, newest first. */
export const handler = httpRoute(advisoriesPageRoute, async () => {
  const advisories = [...(await listAdvisories({ repo }))].sort((a, b) => (a.publishedAt < b.publishedAt ? 1 : -1));
  return htmlPage(200, renderAdvisoriesPage(assets, advisories), { cache: 'public, max-age=60' });
});
