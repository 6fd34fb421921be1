import * as z from 'zod/mini';
import { defineRoute, withMeta } from '../http/contract';
import { isoTimestamp } from '../http/fields';

/** The contract of the customer's access log (docs/access.md "What customers see"). */
export const accessLogRoute = defineRoute({
  id: 'getAccessLog',
  method: 'GET',
  path: '/v1/me/access-log',
  tag: 'identity',
  summary: "Every engineer access to the caller's data, newest first (the account page lists it)",
  auth: 'bearer',
  responses: {
    200: {
      description: 'At most 200 entries: record reads, emergency grants, second factors an engineer turned off, restores and restore drills of tables holding the caller’s data. No person is named and nothing about another customer is shown.',
      schema: z.object({
        entries: z.array(
          z.object({
            at: isoTimestamp,
            kind: withMeta(z.enum(['record-read', 'emergency-access', 'restore', 'restore-drill', 'factor-removed']), { description: 'what happened' }),
            action: withMeta(z.string(), { description: 'the same, in a sentence' }),
            reference: withMeta(z.nullable(z.string()), { description: 'the ticket or incident reference the engineer gave (`ticket 4411`, `INC-2041`); null for scheduled restore drills' }),
            role: withMeta(z.string(), { description: 'a team role (`Engineering`, `Engineering (break-glass)`, `Automated job`), never a name' }),
            emergency: withMeta(z.boolean(), { description: 'access taken without a second engineer’s approval' }),
          }),
        ),
      }),
    },
  },
});
