import { httpHandler } from '../lib/http/handler';
import { json } from '../lib/http/responses';

export const handler = httpHandler({}, async () => json(200, { status: 'ok' }));
