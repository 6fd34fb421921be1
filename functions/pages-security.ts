import { dynamoBackupsRepository } from '../lib/backups/dynamo-backups-repository';
import { httpRoute } from '../lib/http/handler';
import { htmlPage } from '../lib/http/responses';
import { dynamoIncidentRepository } from '../lib/incidents/dynamo-incident-repository';
import { listAdvisories } from '../lib/incidents/public-views';
import { parseAssetManifest } from '../lib/pages/assets';
import { securityPageRoute } from '../lib/pages/schemas';
import { renderSecurityPage } from '../lib/pages/security-page';
import { requireEnv } from '../lib/platform/config';

const assets = parseAssetManifest(requireEnv('WEB_ASSETS'));
const backups = dynamoBackupsRepository(requireEnv('BACKUPS_TABLE'));
const incidents = dynamoIncidentRepository(requireEnv('INCIDENTS_TABLE'));

/**
 * GET /security: the promises with their live evidence. One read of the backups' evidence
 * summary (kept up to date by the tracker and the drill, never a scan) and the advisories query,
 * in parallel; the page holds nothing personal, so CloudFront and browsers may cache it a minute.
 */
export const handler = httpRoute(securityPageRoute, async () => {
  const [evidence, advisories] = await Promise.all([backups.evidence(), listAdvisories({ repo: incidents })]);
  const newestFirst = [...advisories].sort((a, b) => (a.publishedAt < b.publishedAt ? 1 : -1));
  return htmlPage(200, renderSecurityPage(assets, { ...evidence, advisories: newestFirst }), { cache: 'public, max-age=60' });
});
