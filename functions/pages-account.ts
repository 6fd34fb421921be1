import { httpRoute } from '../lib/http/handler';
import { htmlPage } from '../lib/http/responses';
import { renderAccountPage } from '../lib/pages/account-page';
import { parseAssetManifest } from '../lib/pages/assets';
import { accountPageRoute } from '../lib/pages/schemas';
import { requireEnv } from '../lib/platform/config';

const assets = parseAssetManifest(requireEnv('WEB_ASSETS'));

/** GET /account/security: the page shell; web/src/account.ts does the rest against the JSON API. */
export const handler = httpRoute(accountPageRoute, async () => htmlPage(200, renderAccountPage(assets), { cache: 'public, max-age=300' }));
