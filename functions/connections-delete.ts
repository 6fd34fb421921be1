import { connections } from '../lib/connections/runtime';
import { deleteConnectionRoute } from '../lib/connections/schemas';
import { httpRoute } from '../lib/http/handler';
import { noContent } from '../lib/http/responses';
import { authenticate } from '../lib/identity/authenticate';

export const handler = httpRoute(deleteConnectionRoute, async (request) => {
  const { userId } = await authenticate(request);
  await connections().disconnect(userId, request.input.params.id);
  return noContent();
});
