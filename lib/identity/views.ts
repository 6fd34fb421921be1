import * as z from 'zod/mini';
import { withMeta } from '../http/contract';
import { isoTimestamp } from '../http/fields';

/**
 * What the identity routes answer (their 2xx bodies). Kept apart from the request schemas, which
 * need the token format (node:crypto), so the browser scripts can take their row types from here
 * with type-only imports (`z.output<typeof tokenSummary>`): one definition, no hand-copied
 * interface to drift from the server.
 */
export const issuedSession = z.object({ token: withMeta(z.string(), { description: 'hs_ session token: send as Authorization: Bearer' }), tokenId: z.string(), expiresAt: isoTimestamp });
export const accountView = z.object({
  id: z.string(),
  email: withMeta(z.string(), { format: 'email' }),
  name: z.nullable(z.string()),
  billing: withMeta(z.object({ status: z.nullable(z.string()), plan: z.nullable(z.string()), customerId: z.nullable(z.string()) }), { description: 'null until Stripe links them' }),
});
export const tokenSummary = z.object({
  id: z.string(),
  name: z.string(),
  kind: withMeta(z.string(), { description: '`session` or `personal`' }),
  createdAt: isoTimestamp,
  lastUsedAt: z.nullable(isoTimestamp),
  expiresAt: isoTimestamp,
  current: withMeta(z.boolean(), { description: 'the token of this request' }),
  userAgent: withMeta(z.nullable(z.string()), { description: 'sessions: the User-Agent of the sign-in (at most 256 characters); null for access tokens and sessions from before it was kept' }),
  ipAddress: withMeta(z.nullable(z.string()), { description: 'sessions: the address the sign-in came from; null for access tokens and sessions from before it was kept' }),
});
export const tokenList = z.object({ tokens: z.array(tokenSummary), nextCursor: withMeta(z.nullable(z.string()), { description: 'null on the last page' }) });
export const issuedToken = z.object({ id: z.string(), token: withMeta(z.string(), { description: 'shown only this once' }), name: z.string(), expiresAt: isoTimestamp });

export type TokenSummary = z.output<typeof tokenSummary>;
export type AccountView = z.output<typeof accountView>;
