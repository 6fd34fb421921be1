import { httpRoute } from '../lib/http/handler';
import { htmlPage } from '../lib/http/responses';
import { parseAssetManifest } from '../lib/pages/assets';
import { renderReportForm } from '../lib/pages/report-page';
import { reportPageRoute } from '../lib/pages/schemas';
import { requireEnv } from '../lib/platform/config';

const assets = parseAssetManifest(requireEnv('WEB_ASSETS'));

/** GET /security/report: the report form (it posts to POST /security/report without JavaScript). */
export const handler = httpRoute(reportPageRoute, async () => htmlPage(200, renderReportForm(assets), { cache: 'public, max-age=300' }));
