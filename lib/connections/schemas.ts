import * as z from 'zod/mini';
import { codedField, defineRoute, withMeta } from '../http/contract';
import { errorBody, isoTimestamp, plainText } from '../http/fields';

/**
 * The contract of the connection routes (API.md "Connected social accounts", docs/contract.md):
 * what they accept and answer, and what the provider's API must answer before we trust it.
 */
export const POST_TEXT_MAX = 280;
export const CONNECTION_ID = /^con_[0-9a-f]{32}$/;
const TAG = 'connections';

const scopeName = z.string().check(z.minLength(1), z.maxLength(100));

export const createConnectionBody = z.object({
  // codedField last: .meta() makes a copy, which would not carry the codes.
  provider: codedField(withMeta(z.string().check(z.maxLength(64)), { description: 'a provider id from GET /v1/connections/providers', example: 'demo' }), {
    missing: 'unknown_provider',
    invalid: 'unknown_provider',
    tooLong: 'unknown_provider',
    empty: 'unknown_provider',
  }),
  scopes: codedField(withMeta(z.nullish(z.array(scopeName).check(z.minLength(1), z.maxLength(20))), { description: 'scopes to ask for, among those the provider offers (default: all of them)' }), {
    invalid: 'invalid_scope',
    tooLong: 'invalid_scope',
    empty: 'invalid_scope',
  }),
});

export const publishPostBody = z.object({
  text: codedField(withMeta(plainText(POST_TEXT_MAX, { lines: true }), { description: '1–280 characters (an emoji counts as one)' }), {
    missing: 'invalid_text',
    invalid: 'invalid_text',
    tooLong: 'invalid_text',
    empty: 'invalid_text',
  }),
});

/** Path ids are checked by the domain, so a malformed id is the same 404 as another user's. */
const connectionParams = z.object({ id: z.string() });

export const postSchema = z.object({ id: z.string(), text: z.string(), createdAt: z.string() });

export const connectionSchema = z.object({
  id: withMeta(z.string(), { example: 'con_0f1e2d3c4b5a69788796a5b4c3d2e1f0' }),
  provider: z.string(),
  accountId: withMeta(z.string(), { description: 'the account at the provider' }),
  accountName: z.string(),
  scopes: withMeta(z.array(z.string()), { description: 'as granted by the provider (may be fewer than requested)' }),
  status: z.enum(['active', 'needs_reauth']),
  createdAt: isoTimestamp,
  lastUsedAt: z.nullable(isoTimestamp),
});

export const providerSchema = z.object({ id: z.string(), name: z.string(), scopes: z.array(z.string()) });

const unauthorized = { description: 'No valid token', schema: errorBody, headers: { 'WWW-Authenticate': 'Bearer' } };
const notFound = { description: '`not_found`: no such connection of the caller', schema: errorBody };
const needsReauth = { description: '`connection_needs_reauth`: the provider no longer accepts the grant', schema: errorBody };
const providerDown = { description: '`provider_unavailable`: the provider failed, hung or answered garbage', schema: errorBody, headers: { 'Retry-After': 'seconds to wait (the provider\'s own when it gave one)' } };
const redirect = (description: string) => ({ description, headers: { Location: 'where the browser goes next' } });

export const listProvidersRoute = defineRoute({
  id: 'listConnectionProviders',
  method: 'GET',
  path: '/v1/connections/providers',
  tag: TAG,
  summary: 'The social providers a customer can connect',
  auth: 'bearer',
  responses: {
    200: { description: 'The providers and their scopes', schema: z.object({ providers: z.array(providerSchema) }) },
    401: unauthorized,
  },
});

export const createConnectionRoute = defineRoute({
  id: 'createConnection',
  method: 'POST',
  path: '/v1/connections',
  tag: TAG,
  summary: 'Begin connecting a social account: a single-use link, valid 10 minutes, that works only in the browser that asked (Set-Cookie hs_connect)',
  auth: 'bearer',
  body: { mode: 'json', schema: createConnectionBody, maxBytes: 4 * 1024 },
  responses: {
    201: { description: 'Send the browser to connectUrl', schema: z.object({ connectUrl: z.string(), expiresAt: isoTimestamp }) },
    400: { description: '`unknown_provider`, `invalid_scope`', schema: errorBody },
    401: unauthorized,
    403: { description: '`recent_sign_in_required`: the session was not created or confirmed (POST /v1/sessions/confirm) in the last RECENT_SIGN_IN_SECONDS; an access token never counts', schema: errorBody },
  },
});

export const startConnectRoute = defineRoute({
  id: 'startConnection',
  method: 'GET',
  path: '/v1/connections/start',
  tag: TAG,
  summary: 'The connectUrl: in the browser that asked for it (its hs_connect cookie), once, redirects to the provider',
  auth: 'none',
  query: z.object({ state: z.nullish(z.string()) }),
  responses: {
    302: redirect('To the provider\'s authorization endpoint; or to the app URL with `status=error&reason=browser_mismatch` in any other browser, `reason=invalid_state` for an unknown, used or expired link'),
  },
});

export const connectCallbackRoute = defineRoute({
  id: 'connectionCallback',
  method: 'GET',
  path: '/v1/connections/callback',
  tag: TAG,
  summary: 'The browser returning from the provider',
  auth: 'none',
  query: z.object({
    code: z.nullish(z.string()),
    state: z.nullish(z.string()),
    iss: z.nullish(z.string()),
    error: z.nullish(z.string()),
    error_description: z.nullish(z.string()),
  }),
  responses: {
    302: redirect('To the stage\'s app URL only: `?status=connected&connection=<id>`, or `?status=error&reason=<code>` (access_denied, invalid_state, browser_mismatch, issuer_mismatch, exchange_failed, provider_error, provider_unavailable) with nothing stored'),
  },
});

export const listConnectionsRoute = defineRoute({
  id: 'listConnections',
  method: 'GET',
  path: '/v1/connections',
  tag: TAG,
  summary: 'The caller\'s connected accounts; never a token',
  auth: 'bearer',
  responses: { 200: { description: 'The connections', schema: z.object({ connections: z.array(connectionSchema) }) }, 401: unauthorized },
});

export const deleteConnectionRoute = defineRoute({
  id: 'deleteConnection',
  method: 'DELETE',
  path: '/v1/connections/{id}',
  tag: TAG,
  summary: 'Disconnect: revoke the grant at the provider (RFC 7009) and delete the tokens here',
  auth: 'bearer',
  params: connectionParams,
  responses: { 204: { description: 'Gone here at once; revoked at the provider (or queued to retry until it confirms)' }, 401: unauthorized, 404: notFound },
});

export const listPostsRoute = defineRoute({
  id: 'listConnectionPosts',
  method: 'GET',
  path: '/v1/connections/{id}/posts',
  tag: TAG,
  summary: 'Posts read from the provider with this connection\'s token, server-side',
  auth: 'bearer',
  params: connectionParams,
  responses: {
    200: { description: 'The posts', schema: z.object({ posts: z.array(postSchema) }) },
    401: unauthorized,
    403: { description: '`scope_not_granted`: the connection lacks posts.read', schema: errorBody },
    404: notFound,
    409: needsReauth,
    502: providerDown,
  },
});

export const publishPostRoute = defineRoute({
  id: 'publishConnectionPost',
  method: 'POST',
  path: '/v1/connections/{id}/posts',
  tag: TAG,
  summary: 'Publish a post at the provider with this connection\'s token (never retried automatically)',
  auth: 'bearer',
  params: connectionParams,
  body: { mode: 'json', schema: publishPostBody, maxBytes: 8 * 1024 },
  responses: {
    201: { description: 'Published', schema: z.object({ post: postSchema }) },
    400: { description: '`invalid_text`: empty or over 280 characters', schema: errorBody },
    401: unauthorized,
    403: { description: '`scope_not_granted`: the connection lacks posts.write', schema: errorBody },
    404: notFound,
    409: needsReauth,
    502: providerDown,
  },
});

/** What the provider's API answers: checked, so garbage is a 502 rather than a 500 or a leak. */
const providerPost = z.object({ id: z.string().check(z.maxLength(200)), text: z.string().check(z.maxLength(10_000)), createdAt: z.string().check(z.maxLength(64)) });
export const ProviderPostsAnswer = z.object({ posts: z.array(providerPost).check(z.maxLength(1000)) });
export const ProviderPostAnswer = z.object({ post: providerPost });
export const ProviderAccountAnswer = z.object({ id: z.string().check(z.minLength(1), z.maxLength(200)), name: z.optional(z.string().check(z.maxLength(200))) });
