import * as z from 'zod/mini';
import type { HeaderProfile } from './security-headers';
import type { BodyMode } from './types';
import { fieldCodes, type FieldCodes } from './field-codes';

/**
 * A route's contract: what it accepts and what it answers, as zod schemas, built with `zod/mini`
 * (lib/platform/zod-mini.ts says why); the types below are zod's core types, so a classic
 * schema fits too (tests). The same object
 * drives the shared middleware's parse step (lib/http/handler.ts `httpRoute`), the OpenAPI
 * document and the public route table. How to declare one: docs/contract.md.
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Who may call: `none`; `bearer` (any of our tokens); `bearer-optional` (a token, if sent, is
 * checked); `session` (a login session, not an access token); `tracking-token` (the
 * X-Tracking-Token header); `stripe-signature` (the Stripe-Signature header over the raw body).
 */
export type RouteAuth = 'none' | 'bearer' | 'bearer-optional' | 'session' | 'tracking-token' | 'stripe-signature';

export interface ResponseSpec {
  description: string;
  /** Defaults to `application/json` when a schema is given; no body when neither is. */
  contentType?: string;
  schema?: Schema;
  /** Response headers worth documenting (name → description), e.g. Retry-After. */
  headers?: Record<string, string>;
  /** Other bodies the same status may carry, by content type (a page's HTML answer and the middleware's JSON error). */
  alternatives?: Record<string, Schema>;
}

type Schema = z.core.$ZodType;
type ObjectSchema = z.core.$ZodObject | z.core.$ZodPipe<z.core.$ZodObject, Schema>;

export interface BodySpec<S extends Schema = Schema> {
  /** How the middleware reads the body: `json`, `form` (urlencoded) or `raw` (signed webhooks: never parsed before the signature is checked). */
  mode: Exclude<BodyMode, 'none'>;
  /** Parsed by the middleware for `json` and `form`; documentation only for `raw`. */
  schema: S;
  /** Largest accepted body in bytes, after base64 decoding (default 64 KiB). */
  maxBytes?: number;
  description?: string;
}

export interface RouteContract<
  B extends Schema | undefined = Schema | undefined,
  Q extends ObjectSchema | undefined = ObjectSchema | undefined,
  P extends ObjectSchema | undefined = ObjectSchema | undefined,
> {
  /** Unique, camelCase: the OpenAPI operationId. */
  id: string;
  method: HttpMethod;
  /** API Gateway's template, e.g. `/v1/tokens/{id}`. */
  path: string;
  summary: string;
  description?: string;
  /** The OpenAPI tag: the capability that owns the route. */
  tag: string;
  auth: RouteAuth;
  body?: B extends Schema ? BodySpec<B> : undefined;
  query?: Q;
  params?: P;
  /** Request headers the route reads (documentation: the handler or its domain checks them, e.g. a tracking token whose absence must look like a wrong one). */
  headers?: z.core.$ZodObject;
  /** Every status the route answers on its own (the middleware's shared ones are added to the document). */
  responses: Record<number, ResponseSpec>;
  /** `page` for HTML pages (lib/pages): the pages' CSP and a Cache-Control the handler may set; `api` by default. */
  headerProfile?: HeaderProfile;
}

/** Declares a route; `const` keeps the literal method/path and the exact schema types. */
export function defineRoute<B extends Schema | undefined = undefined, Q extends ObjectSchema | undefined = undefined, P extends ObjectSchema | undefined = undefined>(
  route: RouteContract<B, Q, P>,
): RouteContract<B, Q, P> {
  return route;
}

type Out<S> = S extends Schema ? z.output<S> : undefined;
type OutMap<S> = S extends Schema ? z.output<S> : Record<string, never>;

/** What a handler receives after the parse step: the body, query and path parameters as the schemas output them. */
export interface RouteInput<R extends RouteContract> {
  body: R extends RouteContract<infer B, ObjectSchema | undefined, ObjectSchema | undefined> ? Out<B> : never;
  query: R extends RouteContract<Schema | undefined, infer Q, ObjectSchema | undefined> ? OutMap<Q> : never;
  params: R extends RouteContract<Schema | undefined, ObjectSchema | undefined, infer P> ? OutMap<P> : never;
}

export { preprocess, withMeta } from '../platform/zod-mini';

// ---------------------------------------------------------------- error codes

export { fieldCodes, type FieldCodes } from './field-codes';

/** A copy of the field's schema with its own error codes (the shared schema keeps the default ones). */
export function codedField<S extends Schema>(schema: S, codes: FieldCodes): S {
  const copy = z.clone(schema) as S;
  fieldCodes.add(copy, codes);
  return copy;
}

/** Issue code for a domain rule (an AppError's code) raised from inside a schema. */
export interface DomainIssueParams {
  code: string;
}
