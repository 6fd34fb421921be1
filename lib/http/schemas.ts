import * as z from 'zod/mini';
import { defineRoute, withMeta } from './contract';

/** The routes the HTTP layer serves itself: health and the contract document. */

export const healthRoute = defineRoute({
  id: 'getHealth',
  method: 'GET',
  path: '/v1/health',
  tag: 'platform',
  summary: 'Liveness: the API answers',
  auth: 'none',
  responses: { 200: { description: 'Up', schema: z.object({ status: z.literal('ok') }) } },
});

export const openApiRoute = defineRoute({
  id: 'getOpenApiDocument',
  method: 'GET',
  path: '/v1/openapi.json',
  tag: 'platform',
  summary: 'This document: the OpenAPI 3.1 contract of every public route',
  description: 'Generated from the same zod schemas that validate requests (docs/contract.md).',
  auth: 'none',
  responses: {
    200: {
      description: 'The OpenAPI 3.1 document',
      schema: z.looseObject({ openapi: withMeta(z.string(), { example: '3.1.0' }), info: z.looseObject({}), paths: z.looseObject({}) }),
    },
  },
});
