import { connections } from '../lib/connections/runtime';
import { httpHandler } from '../lib/http/handler';
import { noContent } from '../lib/http/responses';
import { authenticate } from '../lib/identity/authenticate';

export const handler = httpHandler({}, async (request) => {
  const { userId } = await authenticate(request);
  await connections().disconnect(userId, request.params.id ?? '');
  return noContent();
});
