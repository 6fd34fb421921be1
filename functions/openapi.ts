import document from '../docs/openapi.json';
import { httpRoute } from '../lib/http/handler';
import { json } from '../lib/http/responses';
import { openApiRoute } from '../lib/http/schemas';

/**
 * GET /v1/openapi.json. The document is generated from the route contracts (lib/api/routes.ts,
 * `npm run contract`) and committed; a test fails when the committed copy differs from what the
 * schemas generate, so serving the file serves the schemas, without zod-openapi in this bundle.
 */
export const handler = httpRoute(openApiRoute, async () => json(200, document));
