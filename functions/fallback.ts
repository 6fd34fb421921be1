import { httpHandler } from '../lib/http/handler';
import { MethodNotAllowedError, NotFoundError } from '../lib/platform/errors';
import { allowedMethods } from '../lib/http/routes';

/**
 * Answers everything no other function serves, in JSON: 405 with Allow for a known path asked
 * with another method, 404 for any other path. API Gateway would otherwise answer with its own
 * "Missing Authentication Token" 403, and the local server with HTML.
 */
export const handler = httpHandler({ maxBodyBytes: 10 * 1024 * 1024 }, async (request) => {
  const allowed = allowedMethods(request.resource);
  if (allowed.length > 0) throw new MethodNotAllowedError(allowed);
  throw new NotFoundError('not_found', 'No such route.');
});
