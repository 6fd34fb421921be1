import { httpRoute } from '../lib/http/handler';
import { htmlPage } from '../lib/http/responses';
import { parseAssetManifest } from '../lib/pages/assets';
import { reportStatusPageRoute } from '../lib/pages/schemas';
import { renderStatusForm } from '../lib/pages/status-page';
import { requireEnv } from '../lib/platform/config';

const assets = parseAssetManifest(requireEnv('WEB_ASSETS'));

/**
 * GET /security/report/status: the form (it posts to POST /security/report/status), with the id
 * filled in when the receipt email's link carries it (`?id=inc_…`; the token is never in a URL).
 */
export const handler = httpRoute(reportStatusPageRoute, async (request) => {
  const id = request.query.id?.trim().slice(0, 100);
  return htmlPage(200, renderStatusForm(assets, id ? { id } : {}), { cache: 'public, max-age=300' });
});
