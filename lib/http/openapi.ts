import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiResponseObject, type ZodOpenApiResponsesObject } from 'zod-openapi';
import type { RouteAuth, RouteContract, ResponseSpec } from './contract';
import { errorBody } from './fields';

/**
 * The OpenAPI 3.1 document of a set of route contracts, built with zod-openapi from the same
 * schemas the middleware parses with. The shared middleware's own answers (400 for a body that
 * is not JSON, 413, 415, 500, 503) are added to every route they can happen on, so a response
 * the stack can give is never undocumented.
 */

const MEDIA_TYPES = { json: 'application/json', form: 'application/x-www-form-urlencoded', raw: 'application/json' } as const;

const SECURITY: Record<RouteAuth, ZodOpenApiOperationObject['security']> = {
  none: [],
  bearer: [{ bearerToken: [] }],
  'bearer-optional': [{}, { bearerToken: [] }],
  session: [{ bearerToken: [] }],
  'tracking-token': [{ trackingToken: [] }],
  'stripe-signature': [{ stripeSignature: [] }],
};

const retryAfter = { 'Retry-After': 'seconds to wait before retrying' };

function response(spec: ResponseSpec): ZodOpenApiResponseObject {
  const out: ZodOpenApiResponseObject = { description: spec.description };
  if (spec.schema) out.content = { [spec.contentType ?? 'application/json']: { schema: spec.schema } };
  else if (spec.contentType) out.content = { [spec.contentType]: {} };
  for (const [contentType, schema] of Object.entries(spec.alternatives ?? {})) out.content = { ...out.content, [contentType]: { schema } };
  if (spec.headers) {
    out.headers = Object.fromEntries(Object.entries(spec.headers).map(([name, description]) => [name, { description, schema: { type: 'string' } }]));
  }
  return out;
}

/** Adds a shared answer, or appends its meaning to the route's own description of that status. */
function share(responses: Record<number, ResponseSpec>, status: number, spec: ResponseSpec) {
  const own = responses[status];
  responses[status] = own ? { ...own, description: `${own.description}; or ${spec.description}`, headers: { ...spec.headers, ...own.headers } } : spec;
}

function responsesOf(route: RouteContract): ZodOpenApiResponsesObject {
  const all: Record<number, ResponseSpec> = { ...route.responses };
  const parsedBody = route.body && route.body.mode !== 'raw';
  if (parsedBody) share(all, 400, { description: '`invalid_json` or `invalid_body`: the body is not a JSON object', schema: errorBody });
  // The size limit applies to every request, a body sent where none is expected included.
  share(all, 413, { description: `\`payload_too_large\`: the body is over ${route.body?.maxBytes ?? 64 * 1024} bytes`, schema: errorBody });
  if (route.body) {
    share(all, 415, { description: `\`unsupported_media_type\`: the body must be ${MEDIA_TYPES[route.body.mode]}`, schema: errorBody });
  }
  if (route.auth === 'bearer' || route.auth === 'session') {
    share(all, 401, { description: '`unauthorized`: a missing, malformed, unknown, expired or revoked token', schema: errorBody, headers: { 'WWW-Authenticate': 'Bearer' } });
  }
  if ((route.params || route.query) && !all[400]) share(all, 400, { description: 'a path or query parameter is not valid', schema: errorBody });
  share(all, 500, { description: '`internal_error`: nothing internal is shown', schema: errorBody });
  share(all, 503, { description: '`service_unavailable`: a dependency is unreachable; retry after the delay', schema: errorBody, headers: retryAfter });
  return Object.fromEntries(Object.entries(all).map(([status, spec]) => [status, response(spec)])) as ZodOpenApiResponsesObject;
}

function operationOf(route: RouteContract): ZodOpenApiOperationObject {
  const operation: ZodOpenApiOperationObject = {
    operationId: route.id,
    summary: route.summary,
    tags: [route.tag],
    security: SECURITY[route.auth],
    responses: responsesOf(route),
  };
  if (route.description) operation.description = route.description;
  const params = { path: route.params, query: route.query, header: route.headers };
  if (params.path || params.query || params.header) {
    operation.requestParams = Object.fromEntries(Object.entries(params).filter(([, schema]) => schema !== undefined));
  }
  if (route.body) {
    operation.requestBody = {
      required: true,
      ...(route.body.description ? { description: route.body.description } : {}),
      content: { [MEDIA_TYPES[route.body.mode]]: { schema: route.body.schema } },
    };
  }
  return operation;
}

export interface DocumentInfo {
  title: string;
  version: string;
  description: string;
  /** What each route tag (a capability) covers. */
  tags: Record<string, string>;
}

export function buildOpenApiDocument(routes: readonly RouteContract[], info: DocumentInfo) {
  const paths: Record<string, Record<string, ZodOpenApiOperationObject>> = {};
  for (const route of routes) {
    paths[route.path] ??= {};
    const method = route.method.toLowerCase();
    if (paths[route.path][method]) throw new Error(`Two contracts for ${route.method} ${route.path}`);
    paths[route.path][method] = operationOf(route);
  }
  const tags = [...new Set(routes.map((r) => r.tag))].sort().map((name) => {
    if (!info.tags[name]) throw new Error(`Tag ${name} has no description`);
    return { name, description: info.tags[name] };
  });
  const { tags: _described, ...about } = info;
  return createDocument({
    openapi: '3.1.0',
    info: { ...about, license: { name: 'Proprietary', identifier: 'LicenseRef-HelpShelf' } },
    servers: [{ url: '/', description: 'the origin serving this document' }],
    tags,
    security: [],
    paths,
    components: {
      securitySchemes: {
        bearerToken: { type: 'http', scheme: 'bearer', description: 'An opaque `hs_` token: a login session or a personal access token' },
        trackingToken: { type: 'apiKey', in: 'header', name: 'X-Tracking-Token', description: 'The trackingToken answered when the incident was reported' },
        stripeSignature: { type: 'apiKey', in: 'header', name: 'Stripe-Signature', description: 'Stripe\'s HMAC-SHA256 signature over the raw body' },
      },
    },
  });
}
