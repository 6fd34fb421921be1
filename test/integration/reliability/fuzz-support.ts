import fc from 'fast-check';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetSendQuotaCommand, SESClient } from '@aws-sdk/client-ses';
import { EMULATOR_REGION } from '../../../scripts/lib/emulator';
import type { TestRequest, TestResponse } from '../../support/http';

// ------------------------------------------------------------------ random requests

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

const nasty = fc.constantFrom('..', '%', "' OR 1=1 --", '<script>alert(1)</script>', '${jndi:ldap://x}', '\u0000', '💥', 'hs_', 'null', 'undefined', '__proto__', 'constructor');
const text = fc.oneof(fc.string({ maxLength: 60 }), fc.string({ unit: 'binary', maxLength: 60 }), nasty);
const segment = fc.oneof(fc.uuid(), text.filter((s) => s.length > 0), fc.constantFrom('usr_x', 'tok_1', 'inc_1')).map((s) => encodeURIComponent(s));

const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/vnd.api+json',
  'application/x-www-form-urlencoded',
  'text/plain',
  'multipart/form-data; boundary=xyz',
  'application/json; charset=latin1',
  '',
);

const headers = fc.record(
  {
    'Content-Type': contentType,
    Authorization: fc.oneof(text.map((t) => `Bearer ${t}`), text.map((t) => `Bearer hs_${t}`), fc.base64String().map((b) => `Basic ${b}`), text),
    'Stripe-Signature': fc.oneof(text, fc.tuple(fc.integer(), fc.stringMatching(/^[0-9a-f]{0,64}$/)).map(([t, v]) => `t=${t},v1=${v}`)),
    'X-Tracking-Token': text,
    'Content-Encoding': fc.constantFrom('gzip', 'identity', 'br'),
    'X-Forwarded-For': fc.ipV4(),
    Cookie: text,
  },
  { requiredKeys: [] },
);

const extraHeaders = fc.array(
  fc.tuple(fc.constantFrom('Accept', 'Accept-Encoding', 'Origin', 'Referer', 'X-Api-Key', 'X-Amz-Date', 'Transfer-Encoding', 'X-Http-Method-Override', 'X-Random'), text),
  { maxLength: 3 },
);

const allHeaders = fc.tuple(headers, extraHeaders).map(([known, extra]) => ({ ...Object.fromEntries(extra), ...known }) as Record<string, string>);

/** Bodies shaped like the API's (email, password, token...) as well as garbage, so validation paths are reached. */
const apiLikeObject = fc.record(
  {
    email: fc.oneof(fc.emailAddress(), text, fc.integer(), fc.constant(null)),
    password: fc.oneof(text, fc.string({ minLength: 200, maxLength: 400 }), fc.integer()),
    name: fc.oneof(text, fc.constant(null), fc.array(text)),
    token: fc.oneof(text, text.map((t) => `hs_${t}`)),
    newPassword: text,
    currentPassword: text,
    summary: text,
    details: text,
    scope: fc.oneof(fc.constantFrom('security', 'account'), text),
    expiresInDays: fc.oneof(fc.integer(), fc.double(), text),
  },
  { requiredKeys: [] },
);

const body = fc.oneof(
  fc.constant(undefined),
  text,
  fc.json({ maxDepth: 2 }),
  apiLikeObject.map((o) => JSON.stringify(o)),
  fc.object({ maxDepth: 2, maxKeys: 5 }).map((o) => JSON.stringify(o)),
  fc.constantFrom('{', '[]', 'null', '"str"', '1e999', '{"a":1}{"b":2}', '{"__proto__":{"admin":true}}', 'token=hs_abc&x=1', '\u0000\u0001'),
  fc.dictionary(fc.string({ maxLength: 10 }), text, { maxKeys: 4 }).map((d) => new URLSearchParams(d).toString()),
  fc.constantFrom(64 * 1024 + 1, 300 * 1024).map((n) => `{"email":"${'a'.repeat(n)}"}`),
);

export interface FuzzTarget {
  method: string;
  path: string;
}

/** A random request aimed at one route template: its own method most of the time, any method otherwise. */
export function requestFor(route: FuzzTarget): fc.Arbitrary<TestRequest> {
  const pathArb = fc
    .tuple(...(route.path.match(/\{[^}]+\}/g) ?? []).map(() => segment))
    .map((segments) => {
      let i = 0;
      return route.path.replace(/\{[^}]+\}/g, () => segments[i++]);
    });
  const query = fc.option(fc.dictionary(fc.string({ maxLength: 8 }), text, { maxKeys: 3 }).map((d) => `?${new URLSearchParams(d)}`), { nil: '' });
  return fc.record({
    method: fc.oneof({ weight: 3, arbitrary: fc.constant(route.method) }, { weight: 1, arbitrary: fc.constantFrom(...METHODS) }),
    path: fc.tuple(pathArb, query).map(([p, q]) => `${p}${q}`),
    headers: allHeaders,
    body,
    isBase64Encoded: fc.boolean(),
    sourceIp: fc.ipV4(),
  });
}

/** Random paths that no route serves (the JSON fallback). */
export const unknownRouteRequest: fc.Arbitrary<TestRequest> = fc.record({
  method: fc.constantFrom(...METHODS),
  path: fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => `/${s.join('/')}`),
  headers: allHeaders,
  body,
  isBase64Encoded: fc.boolean(),
  sourceIp: fc.ipV4(),
});

// ------------------------------------------------------------------ response checks

/** Things a response must never show: stack frames, SDK error names, file paths, internal names, secrets. */
export function forbiddenIn(env: Record<string, string | undefined>, secrets: string[]): Array<{ what: string; test: (s: string) => boolean }> {
  const internalNames = Object.entries(env)
    .filter(([k, v]) => v && /(_TABLE|_QUEUE|_BUCKET|_SECRET_ID)$/.test(k))
    .map(([k, v]) => ({ what: `internal name ${k}`, test: (s: string) => s.includes(v!) }));
  return [
    { what: 'a stack trace', test: (s) => /\n\s+at\s|\bat\s+[\w$.<>]+\s+\([^)]*:\d+:\d+\)/.test(s) },
    { what: 'a file path', test: (s) => /\/work\/|node_modules|[\w-]+\.(?:ts|js|mjs|cjs):\d+|\/var\/task/.test(s) },
    { what: 'an SDK error name', test: (s) => /\b[A-Z]\w*(?:Exception|Fault)\b|\$metadata|ECONNREFUSED|ETIMEDOUT|TimeoutError|CredentialsProviderError/.test(s) },
    ...internalNames,
    ...secrets.filter((v) => v.length >= 8).map((v) => ({ what: 'a secret', test: (s: string) => s.includes(v) })),
  ];
}

export function problemsWith(res: TestResponse, forbidden: ReturnType<typeof forbiddenIn>): string[] {
  const problems: string[] = [];
  if (res.status >= 500) problems.push(`status ${res.status}`);
  if (res.headers['strict-transport-security'] !== 'max-age=63072000; includeSubDomains') problems.push('no HSTS header');
  if (res.headers['x-content-type-options'] !== 'nosniff') problems.push('no nosniff header');
  const isPage = /^text\/html;/.test(res.headers['content-type'] ?? '');
  if (isPage) {
    // The pages (lib/pages) answer a refused form with the form again, as HTML, under the pages' CSP.
    if (!/default-src 'none'.*frame-ancestors 'none'/.test(res.headers['content-security-policy'] ?? '')) problems.push('an HTML page without the pages\' CSP');
  } else if (res.status >= 400) {
    const j = res.json as { error?: { code?: unknown; message?: unknown } } | undefined;
    const shapeOk =
      j && typeof j === 'object' && Object.keys(j).length === 1 && j.error && typeof j.error.code === 'string' && /^[a-z][a-z0-9_]*$/.test(j.error.code) && typeof j.error.message === 'string';
    if (!shapeOk) problems.push(`not the API.md error shape: ${res.text.slice(0, 120)}`);
  }
  const surface = `${res.text}\n${Object.values(res.headers).join('\n')}`;
  for (const f of forbidden) if (f.test(surface)) problems.push(`shows ${f.what}`);
  return problems;
}

// ------------------------------------------------------------------ data snapshot

export interface Snapshot {
  [what: string]: number;
}

/**
 * Item counts of every table (but the rate-limit counters, which a rejected request may
 * legitimately bump), objects in the bucket, messages in the queue and mail sent.
 */
const clientsByEndpoint = new Map<string, { dynamo: DynamoDBClient; s3: S3Client; sqs: SQSClient; ses: SESClient }>();
function clientsFor(endpoint: string) {
  let found = clientsByEndpoint.get(endpoint);
  if (!found) {
    const common = { endpoint, region: EMULATOR_REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
    found = { dynamo: new DynamoDBClient(common), s3: new S3Client({ ...common, forcePathStyle: true }), sqs: new SQSClient(common), ses: new SESClient(common) };
    clientsByEndpoint.set(endpoint, found);
  }
  return found;
}

export function closeSnapshotClients(): void {
  for (const c of clientsByEndpoint.values()) Object.values(c).forEach((client) => client.destroy());
  clientsByEndpoint.clear();
}

export async function snapshot(endpoint: string, env: Record<string, string | undefined>): Promise<Snapshot> {
  const { dynamo, s3, sqs, ses } = clientsFor(endpoint);
  {
    const out: Snapshot = {};
    const tables = Object.entries(env).filter(([k, v]) => v && k.endsWith('_TABLE') && k !== 'RATE_LIMITS_TABLE');
    await Promise.all(
      tables.map(async ([k, table]) => {
        let count = 0;
        let ExclusiveStartKey: Record<string, never> | undefined;
        do {
          const page = await dynamo.send(new ScanCommand({ TableName: table, Select: 'COUNT', ExclusiveStartKey }));
          count += page.Count ?? 0;
          ExclusiveStartKey = page.LastEvaluatedKey as typeof ExclusiveStartKey;
        } while (ExclusiveStartKey);
        out[k] = count;
      }),
    );
    if (env.BACKUPS_BUCKET) out.BACKUPS_BUCKET = (await s3.send(new ListObjectsV2Command({ Bucket: env.BACKUPS_BUCKET }))).KeyCount ?? 0;
    if (env.STRIPE_EVENTS_QUEUE) {
      const url = (await sqs.send(new GetQueueUrlCommand({ QueueName: env.STRIPE_EVENTS_QUEUE }))).QueueUrl!;
      const attrs = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }))).Attributes ?? {};
      out.STRIPE_EVENTS_QUEUE = Number(attrs.ApproximateNumberOfMessages ?? 0) + Number(attrs.ApproximateNumberOfMessagesNotVisible ?? 0);
    }
    out.mailSent = (await ses.send(new GetSendQuotaCommand({}))).SentLast24Hours ?? 0;
    return out;
  }
}
