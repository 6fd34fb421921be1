import { connections } from '../lib/connections/runtime';
import { httpHandler } from '../lib/http/handler';
import { json } from '../lib/http/responses';
import { authenticate } from '../lib/identity/authenticate';

export const handler = httpHandler({ body: 'json', maxBodyBytes: 8 * 1024 }, async (request) => {
  const { userId } = await authenticate(request);
  return json(201, { post: await connections().publishPost(userId, request.params.id ?? '', request.body) });
});
