import { httpRoute } from '../lib/http/handler';
import { json } from '../lib/http/responses';
import { authenticate } from '../lib/identity/authenticate';
import { passkeyRecordsRuntime } from '../lib/identity/passkeys/records-runtime';
import { listPasskeysRoute } from '../lib/identity/passkeys/schemas';

export const handler = httpRoute(listPasskeysRoute, { authenticate }, async (request) => json(200, { passkeys: await passkeyRecordsRuntime().list(request.auth.userId) }));
