import middy from '@middy/core';
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import type { RouteContract, RouteInput } from './contract';
import { bodyParser, errorMapper, inputParser, type ParsedEvent, requestLogging, responseSerializer, securityHeaders } from './middleware';
import { lambdaLogging } from '../platform/logger';
import { callerAddress } from './caller-address';
import type { HeaderProfile } from './security-headers';
import type { BodyMode, HttpHandlerFn, HttpRequest, HttpResponse } from './types';

export interface HttpHandlerOptions {
  /** How the body is read: `json` (default for routes with a body), `form`, `raw` (signed webhooks) or `none`. */
  body?: BodyMode;
  /** Largest accepted body in bytes, after base64 decoding. */
  maxBodyBytes?: number;
  /** `page` for routes that serve HTML: the pages' CSP, and a Cache-Control the handler may set. */
  headers?: HeaderProfile;
}

function lowerCaseHeaders(event: ParsedEvent): { headers: Record<string, string>; multiHeaders: Record<string, string[]> } {
  const multiHeaders: Record<string, string[]> = {};
  for (const [key, values] of Object.entries(event.multiValueHeaders ?? {})) {
    if (values) multiHeaders[key.toLowerCase()] = [...(multiHeaders[key.toLowerCase()] ?? []), ...values];
  }
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (value === undefined) continue;
    const name = key.toLowerCase();
    headers[name] = value;
    if (!multiHeaders[name]) multiHeaders[name] = [value];
  }
  return { headers, multiHeaders };
}

export function toHttpRequest(event: ParsedEvent, context: Context): HttpRequest {
  const { headers, multiHeaders } = lowerCaseHeaders(event);
  return {
    method: event.httpMethod,
    path: event.path,
    resource: event.resource,
    headers,
    multiHeaders,
    query: Object.fromEntries(Object.entries(event.queryStringParameters ?? {}).filter(([, v]) => v !== undefined)) as Record<string, string>,
    params: Object.fromEntries(Object.entries(event.pathParameters ?? {}).filter(([, v]) => v !== undefined)) as Record<string, string>,
    body: event.helpshelf?.body,
    rawBody: event.helpshelf?.rawBody ?? '',
    // The viewer's address behind CloudFront, trusted only with the distribution's secret (caller-address.ts).
    sourceIp: callerAddress({ sourceIp: event.requestContext?.identity?.sourceIp, headers, multiHeaders }, process.env.ORIGIN_VERIFY_SECRET),
    requestId: event.requestContext?.requestId ?? context.awsRequestId,
    userAgent: headers['user-agent'] ?? '',
    event,
    context,
  };
}

/**
 * The one middleware stack every public HTTP handler uses. "Middleware first, handler last":
 * security headers wrap everything, errors are mapped before the headers are added, the body is
 * checked before the handler runs.
 */
export function httpHandler(options: HttpHandlerOptions, fn: HttpHandlerFn) {
  return middy<ParsedEvent, APIGatewayProxyResult, Error, Context>()
    .use(lambdaLogging())
    .use(securityHeaders(options.headers ?? 'api'))
    .use(requestLogging())
    .use(errorMapper())
    .use(responseSerializer())
    .use(bodyParser({ mode: options.body ?? 'none', maxBytes: options.maxBodyBytes ?? 64 * 1024 }))
    .handler(async (event, context) => (await fn(toHttpRequest(event, context))) as unknown as APIGatewayProxyResult);
}

/** The request a contract route's handler sees: `input` holds what the route's schemas output, `auth` what `authenticate` returned. */
export type RouteRequest<R extends RouteContract, A = undefined> = HttpRequest & { input: RouteInput<R>; auth: A };

export interface RouteOptions<A> {
  /**
   * Who is calling (e.g. identity's bearer check), run after the body is read and before the
   * schemas judge it: an unauthenticated caller learns nothing about what the route accepts.
   */
  authenticate?: (request: HttpRequest) => Promise<A>;
}

/**
 * A public route declared by its contract (lib/<capability>/schemas.ts): the body is read in the
 * contract's mode and size limit, the caller authenticated if the route says how, then path
 * parameters, query and body are parsed by its schemas in the shared stack before `fn` runs.
 * The contract rides on the handler (`handler.route`) so tests can check that each function
 * serves the route it declares.
 */
export function httpRoute<R extends RouteContract>(route: R, fn: (request: RouteRequest<R>) => Promise<HttpResponse>): ReturnType<typeof buildRoute<R, undefined>>;
export function httpRoute<R extends RouteContract, A>(route: R, options: RouteOptions<A>, fn: (request: RouteRequest<R, A>) => Promise<HttpResponse>): ReturnType<typeof buildRoute<R, A>>;
export function httpRoute<R extends RouteContract, A>(
  route: R,
  second: RouteOptions<A> | ((request: RouteRequest<R, A>) => Promise<HttpResponse>),
  third?: (request: RouteRequest<R, A>) => Promise<HttpResponse>,
) {
  return typeof second === 'function' ? buildRoute<R, A>(route, {}, second) : buildRoute<R, A>(route, second, third!);
}

function buildRoute<R extends RouteContract, A>(route: R, options: RouteOptions<A>, fn: (request: RouteRequest<R, A>) => Promise<HttpResponse>) {
  const handler = middy<ParsedEvent, APIGatewayProxyResult, Error, Context>()
    .use(lambdaLogging())
    .use(securityHeaders(route.headerProfile ?? 'api'))
    .use(requestLogging())
    .use(errorMapper())
    .use(responseSerializer())
    .use(bodyParser({ mode: route.body?.mode ?? 'none', maxBytes: route.body?.maxBytes ?? 64 * 1024 }))
    .use(authenticator(options.authenticate))
    .use(inputParser(route))
    .handler(async (event, context) => {
      const request = toHttpRequest(event, context) as RouteRequest<R, A>;
      request.input = event.helpshelf?.input as RouteInput<R>;
      request.auth = event.helpshelf?.auth as A;
      return (await fn(request)) as unknown as APIGatewayProxyResult;
    });
  return Object.assign(handler, { route });
}

function authenticator<A>(authenticate: ((request: HttpRequest) => Promise<A>) | undefined): middy.MiddlewareObj<ParsedEvent, APIGatewayProxyResult, Error, Context> {
  return {
    before: async (request) => {
      if (!authenticate) return;
      const auth = await authenticate(toHttpRequest(request.event, request.context));
      request.event.helpshelf = { rawBody: request.event.helpshelf?.rawBody ?? '', body: request.event.helpshelf?.body, auth };
    },
  };
}
