import { readAccessLog } from '../lib/access/access-log';
import { accessStore } from '../lib/access/access-store';
import { accessLogRoute } from '../lib/access/schemas';
import { httpRoute } from '../lib/http/handler';
import { json } from '../lib/http/responses';
import { authenticateWithProfile } from '../lib/identity/authenticate';

/** GET /v1/me/access-log: the token and the user item in one read, then the two access-log partitions. */
export const handler = httpRoute(accessLogRoute, { authenticate: (r) => authenticateWithProfile(r, true) }, async (request) => {
  const user = request.auth.user!;
  const entries = await readAccessLog(accessStore(), { id: request.auth.userId, createdAt: user.createdAt });
  return json(200, { entries });
});
