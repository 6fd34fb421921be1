import { httpRoute } from '../lib/http/handler';
import { htmlPage } from '../lib/http/responses';
import { minPasswordLength } from '../lib/identity/password-settings';
import { renderSignupPage } from '../lib/pages/account-journey-pages';
import { parseAssetManifest } from '../lib/pages/assets';
import { signupPageRoute } from '../lib/pages/schemas';
import { requireEnv } from '../lib/platform/config';

const page = renderSignupPage(parseAssetManifest(requireEnv('WEB_ASSETS')), { minPasswordLength: minPasswordLength() });

/** GET /account/signup: the shell; web/src/signup.ts posts to POST /v1/signup. */
export const handler = httpRoute(signupPageRoute, async () => htmlPage(200, page, { cache: 'public, max-age=300' }));
