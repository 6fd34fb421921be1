import { postSteps } from '../lib/connections/posts-runtime';
import { publishPostRoute } from '../lib/connections/schemas';
import { httpRoute } from '../lib/http/handler';
import { json } from '../lib/http/responses';
import { authenticate } from '../lib/identity/authenticate';

export const handler = httpRoute(publishPostRoute, async (request) => {
  const { userId } = await authenticate(request);
  return json(201, { post: await postSteps().publishPost(userId, request.input.params.id, request.input.body.text) });
});
