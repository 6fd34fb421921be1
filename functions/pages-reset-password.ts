import { httpRoute } from '../lib/http/handler';
import { htmlPage } from '../lib/http/responses';
import { minPasswordLength } from '../lib/identity/password-settings';
import { renderResetPasswordPage } from '../lib/pages/account-journey-pages';
import { parseAssetManifest } from '../lib/pages/assets';
import { resetPasswordPageRoute } from '../lib/pages/schemas';
import { requireEnv } from '../lib/platform/config';

const page = renderResetPasswordPage(parseAssetManifest(requireEnv('WEB_ASSETS')), { minPasswordLength: minPasswordLength() });

/** GET /account/reset-password: asks for the reset mail, or (from its link) sets the new password; web/src/reset-password.ts. */
export const handler = httpRoute(resetPasswordPageRoute, async () => htmlPage(200, page, { cache: 'public, max-age=300' }));
