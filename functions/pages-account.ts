import { httpRoute } from '../lib/http/handler';
import { htmlPage } from '../lib/http/responses';
import { minPasswordLength } from '../lib/identity/password-settings';
import { renderAccountPage } from '../lib/pages/account-page';
import { parseAssetManifest } from '../lib/pages/assets';
import { accountPageRoute } from '../lib/pages/schemas';
import { requireEnv } from '../lib/platform/config';

const assets = parseAssetManifest(requireEnv('WEB_ASSETS'));
const page = renderAccountPage(assets, { minPasswordLength: minPasswordLength() });

/** GET /account/security: the page shell; web/src/account.ts does the rest against the JSON API. */
export const handler = httpRoute(accountPageRoute, async () => htmlPage(200, page, { cache: 'public, max-age=300' }));
