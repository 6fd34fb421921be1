import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as z from 'zod';
import { ROOT } from './paths';

/**
 * Every response the shared cases receive (viaHandler, viaHttp) is checked against the committed
 * OpenAPI document, docs/openapi.json: the status must be documented for the operation, the
 * content type must be the documented one, and the body must validate against the documented
 * schema (objects are closed: an undocumented field fails). A request to a path or method the
 * document does not have must be the fallback's JSON 404 or 405.
 */

interface MediaType {
  schema?: Record<string, unknown>;
}
interface Operation {
  operationId: string;
  responses: Record<string, { content?: Record<string, MediaType> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, unknown> };
}

let cached: { doc: Document; templates: Array<{ template: string; pattern: RegExp; params: number }> } | undefined;

function load() {
  if (!cached) {
    const doc = JSON.parse(readFileSync(path.join(ROOT, 'docs/openapi.json'), 'utf8')) as Document;
    const templates = Object.keys(doc.paths).map((template) => ({
      template,
      pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^/}]+\}/g, '[^/]+')}$`),
      params: (template.match(/\{/g) ?? []).length,
    }));
    // API Gateway's choice: a literal path wins over a template.
    templates.sort((a, b) => a.params - b.params);
    cached = { doc, templates };
  }
  return cached;
}

/** Inlines `#/components/schemas/…` references (the document has no recursive schema). */
function inline(schema: unknown, components: Record<string, unknown>): unknown {
  if (Array.isArray(schema)) return schema.map((s) => inline(s, components));
  if (schema === null || typeof schema !== 'object') return schema;
  const ref = (schema as { $ref?: string }).$ref;
  if (typeof ref === 'string') {
    const name = ref.replace('#/components/schemas/', '');
    if (!(name in components)) throw new Error(`Unresolved reference ${ref} in docs/openapi.json`);
    return inline(components[name], components);
  }
  return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, inline(v, components)]));
}

const validators = new Map<string, z.ZodType>();
function validatorFor(key: string, schema: Record<string, unknown>, doc: Document): z.ZodType {
  let validator = validators.get(key);
  if (!validator) {
    validator = z.fromJSONSchema(inline(schema, doc.components?.schemas ?? {}) as Parameters<typeof z.fromJSONSchema>[0]);
    validators.set(key, validator);
  }
  return validator;
}

export interface CheckedResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
}

/** The operation a request reaches, or why none does. */
export function operationFor(method: string, requestPath: string): { template: string; operation?: Operation } | undefined {
  const { doc, templates } = load();
  const pathOnly = requestPath.split('?')[0];
  // API Gateway picks the resource first (the most specific path), then the method on it: a
  // literal path with another method is the fallback's 405 even where a template would match.
  const resource = templates.find((t) => t.pattern.test(pathOnly));
  if (!resource) return undefined;
  return { template: resource.template, operation: doc.paths[resource.template][method.toLowerCase()] };
}

/**
 * Paths outside the HTTP contract: the pages' content-hashed static files, which CloudFront serves
 * from a bucket on deployed stages (the local stage's webAssets function stands in for it).
 */
const OUTSIDE_THE_CONTRACT = [/^\/assets\//];

/** Throws an Error explaining the first way the response departs from the document. */
export function checkResponseAgainstDocument(method: string, requestPath: string, response: CheckedResponse): void {
  if (OUTSIDE_THE_CONTRACT.some((pattern) => pattern.test(requestPath))) return;
  const { doc } = load();
  const where = `${method.toUpperCase()} ${requestPath.split('?')[0]} → ${response.status}`;
  const found = operationFor(method, requestPath);
  const errorShape = () => {
    const body = safeJson(response.text);
    const ok = validatorFor('Error', doc.components?.schemas?.Error as Record<string, unknown>, doc).safeParse(body);
    if (!ok.success) throw new Error(`${where}: not the API.md error shape: ${response.text.slice(0, 200)}`);
  };

  if (!found?.operation) {
    // The fallback function: 405 on a documented path with another method, 404 anywhere else.
    const expected = found ? 405 : 404;
    if (response.status !== expected) {
      throw new Error(
        `${where}: ${found ? `the document has no ${method.toUpperCase()} on ${found.template}` : 'the path is not in docs/openapi.json'}; only the fallback's ${expected} is expected. A new route needs its contract in lib/api/routes.ts (docs/contract.md) and \`npm run contract\`.`,
      );
    }
    errorShape();
    return;
  }

  const spec = found.operation.responses[String(response.status)] ?? found.operation.responses.default;
  if (!spec) {
    throw new Error(`${where}: status ${response.status} is not documented for ${found.operation.operationId} (documented: ${Object.keys(found.operation.responses).join(', ')})`);
  }
  const contentType = (response.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (!spec.content) {
    if (response.text.length > 0) throw new Error(`${where}: the document says no body, got ${contentType || 'a body'}`);
    return;
  }
  const media = spec.content[contentType];
  if (!media) throw new Error(`${where}: content type "${contentType}" is not documented (documented: ${Object.keys(spec.content).join(', ')})`);
  if (!media.schema) return;
  const body = contentType === 'application/json' || contentType.endsWith('+json') ? safeJson(response.text) : response.text;
  const result = validatorFor(`${found.operation.operationId} ${response.status} ${contentType}`, media.schema, doc).safeParse(body);
  if (!result.success) {
    const issues = result.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
    throw new Error(`${where}: the body does not match the documented schema of ${found.operation.operationId}: ${issues}`);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return Symbol('not JSON');
  }
}
