import { postSteps } from '../lib/connections/posts-runtime';
import { listPostsRoute } from '../lib/connections/schemas';
import { httpRoute } from '../lib/http/handler';
import { json } from '../lib/http/responses';
import { authenticate } from '../lib/identity/authenticate';

export const handler = httpRoute(listPostsRoute, async (request) => {
  const { userId } = await authenticate(request);
  return json(200, { posts: await postSteps().listPosts(userId, request.input.params.id) });
});
