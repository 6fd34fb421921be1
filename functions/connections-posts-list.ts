import { connections } from '../lib/connections/runtime';
import { httpHandler } from '../lib/http/handler';
import { json } from '../lib/http/responses';
import { authenticate } from '../lib/identity/authenticate';

export const handler = httpHandler({}, async (request) => {
  const { userId } = await authenticate(request);
  return json(200, { posts: await connections().listPosts(userId, request.params.id ?? '') });
});
