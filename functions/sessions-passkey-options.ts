import { httpRoute } from '../lib/http/handler';
import { json } from '../lib/http/responses';
import { passkeys } from '../lib/identity/passkeys/runtime';
import { passkeySignInOptionsRoute } from '../lib/identity/passkeys/schemas';

export const handler = httpRoute(passkeySignInOptionsRoute, async () => json(200, await passkeys().signInOptions()));
