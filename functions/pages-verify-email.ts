import { httpRoute } from '../lib/http/handler';
import { htmlPage } from '../lib/http/responses';
import { renderVerifyEmailPage } from '../lib/pages/account-journey-pages';
import { parseAssetManifest } from '../lib/pages/assets';
import { verifyEmailPageRoute } from '../lib/pages/schemas';
import { requireEnv } from '../lib/platform/config';

const page = renderVerifyEmailPage(parseAssetManifest(requireEnv('WEB_ASSETS')));

/** GET /account/verify-email: the verification mail's link; web/src/verify-email.ts posts the fragment's token with the password. */
export const handler = httpRoute(verifyEmailPageRoute, async () => htmlPage(200, page, { cache: 'public, max-age=300' }));
