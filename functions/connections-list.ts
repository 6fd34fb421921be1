import { connectSteps } from '../lib/connections/connect-runtime';
import { listConnectionsRoute } from '../lib/connections/schemas';
import { httpRoute } from '../lib/http/handler';
import { json } from '../lib/http/responses';
import { authenticate } from '../lib/identity/authenticate';

export const handler = httpRoute(listConnectionsRoute, async (request) => {
  const { userId } = await authenticate(request);
  return json(200, { connections: await connectSteps().list(userId) });
});
