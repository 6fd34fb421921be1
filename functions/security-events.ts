import { httpRoute } from '../lib/http/handler';
import { json } from '../lib/http/responses';
import { authenticate } from '../lib/identity/authenticate';
import { mfa } from '../lib/identity/mfa/runtime';
import { securityEventsRoute } from '../lib/identity/mfa/schemas';

export const handler = httpRoute(securityEventsRoute, { authenticate }, async (request) => {
  const events = await mfa().securityEvents(request.auth.userId);
  return json(200, { events: events.map((e) => ({ at: e.at, event: e.event, detail: e.detail ?? null })) });
});
