import { httpRoute } from '../lib/http/handler';
import { json } from '../lib/http/responses';
import { authenticate } from '../lib/identity/authenticate';
import { mfa } from '../lib/identity/mfa/runtime';
import { totpStatusRoute } from '../lib/identity/mfa/schemas';

export const handler = httpRoute(totpStatusRoute, { authenticate }, async (request) => json(200, await mfa().totpStatus(request.auth.userId)));
