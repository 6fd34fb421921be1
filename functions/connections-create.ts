import { connections } from '../lib/connections/runtime';
import { createConnectionRoute } from '../lib/connections/schemas';
import { httpRoute } from '../lib/http/handler';
import { json } from '../lib/http/responses';
import { authenticate } from '../lib/identity/authenticate';

export const handler = httpRoute(createConnectionRoute, async (request) => {
  const { userId } = await authenticate(request);
  return json(201, await connections().beginConnect(userId, request.input.body));
});
