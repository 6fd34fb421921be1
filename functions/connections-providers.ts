import { connectSteps } from '../lib/connections/connect-runtime';
import { listProvidersRoute } from '../lib/connections/schemas';
import { httpRoute } from '../lib/http/handler';
import { json } from '../lib/http/responses';
import { authenticate } from '../lib/identity/authenticate';

export const handler = httpRoute(listProvidersRoute, async (request) => {
  await authenticate(request);
  return json(200, { providers: connectSteps().listProviders() });
});
