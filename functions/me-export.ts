import { httpRoute } from '../lib/http/handler';
import { json } from '../lib/http/responses';
import { exportAccount } from '../lib/data-rights/erasure';
import { exportParts } from '../lib/data-rights/export-runtime';
import { exportMyDataRoute } from '../lib/data-rights/schemas';
import { authenticateRecentSignIn } from '../lib/identity/authenticate';
import { subjectOf } from '../lib/identity/data-rights';
import { nowIso } from '../lib/platform/time';

/** GET /v1/me/export: everything held about the caller, from every capability's part, as one attachment. */
export const handler = httpRoute(exportMyDataRoute, { authenticate: (r) => authenticateRecentSignIn(r, { withUser: true, accessTokens: 'session_required' }) }, async (request) => {
  const auth = request.auth;
  const document = await exportAccount(exportParts(), subjectOf(auth.user!), nowIso());
  return json(200, document, { 'Content-Disposition': 'attachment; filename="helpshelf-export.json"' });
});
