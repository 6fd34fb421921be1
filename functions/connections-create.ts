import { connections } from '../lib/connections/runtime';
import { httpHandler } from '../lib/http/handler';
import { json } from '../lib/http/responses';
import { authenticate } from '../lib/identity/authenticate';

export const handler = httpHandler({ body: 'json', maxBodyBytes: 4 * 1024 }, async (request) => {
  const { userId } = await authenticate(request);
  return json(201, await connections().beginConnect(userId, request.body));
});
