import { httpRoute } from '../lib/http/handler';
import { htmlPage } from '../lib/http/responses';
import { parseAssetManifest } from '../lib/pages/assets';
import { reportStatusPageRoute } from '../lib/pages/schemas';
import { renderStatusForm } from '../lib/pages/status-page';
import { requireEnv } from '../lib/platform/config';

const assets = parseAssetManifest(requireEnv('WEB_ASSETS'));

/** GET /security/report/status: the form (it posts to POST /security/report/status). */
export const handler = httpRoute(reportStatusPageRoute, async () => htmlPage(200, renderStatusForm(assets), { cache: 'public, max-age=300' }));
