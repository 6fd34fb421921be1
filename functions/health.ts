import { httpRoute } from '../lib/http/handler';
import { json } from '../lib/http/responses';
import { healthRoute } from '../lib/http/schemas';

export const handler = httpRoute(healthRoute, async () => json(200, { status: 'ok' }));
