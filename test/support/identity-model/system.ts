import type { APIGatewayProxyResult } from 'aws-lambda';
import { checkResponseAgainstDocument } from '../contract-check';
import { apiGatewayEvent, lambdaContext, loadHandler, registerExchangeSecrets, resolveRoute, type TestRequest, type TestResponse } from '../http';
import { sentMail } from '../mail';
import { registerSecret } from '../secrets-registry';

/**
 * The system under the identity model (test/integration/identity/model.test.ts): the real handlers
 * in-process on the emulator, reached by two browsers. Each browser keeps its own cookie jar and
 * sends from its own address; each person reads only the mail sent to their own address.
 */
export type Who = 'owner' | 'attacker';

/** A route this checkout serves (false for a route a later change adds, e.g. on an old commit). */
export function served(method: string, path: string): boolean {
  try {
    return !resolveRoute(method, path).resource.includes('+}');
  } catch {
    return false;
  }
}

/** One request through the real handler, with every Set-Cookie of the answer (single or multi-value). */
export async function invoke(request: TestRequest): Promise<TestResponse & { setCookies: string[] }> {
  const route = resolveRoute(request.method, request.path.split('?')[0]);
  const event = apiGatewayEvent(request, route.resource, route.params);
  const result = (await loadHandler(route.key)(event, lambdaContext(route.def.name))) as APIGatewayProxyResult;
  const headers: Record<string, string> = {};
  const setCookies: string[] = [];
  for (const [k, v] of Object.entries(result.headers ?? {})) {
    headers[k.toLowerCase()] = String(v);
    if (k.toLowerCase() === 'set-cookie') setCookies.push(String(v));
  }
  for (const [k, values] of Object.entries(result.multiValueHeaders ?? {})) {
    if (k.toLowerCase() === 'set-cookie') setCookies.push(...values.map(String));
    else headers[k.toLowerCase()] ??= values.map(String).join(', ');
  }
  const text = result.isBase64Encoded ? Buffer.from(result.body, 'base64').toString('utf8') : result.body;
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  const response = { status: result.statusCode, headers, text, json, setCookies };
  checkResponseAgainstDocument(request.method, request.path, response);
  registerExchangeSecrets(request, response);
  return response;
}

/** A browser: its cookies (name → value) and the address its requests come from. */
export class Browser {
  readonly jar = new Map<string, string>();

  constructor(readonly who: Who, readonly ip: string) {}

  /** The jar as text, to tell whether another flow replaced or cleared a binding cookie. */
  cookies(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  send(request: TestRequest): Promise<TestResponse & { setCookies: string[] }> {
    return this.sendFrom(this.ip, request);
  }

  /** The same browser from another address (R3's twin requests keep their own throttle counters). */
  async sendFrom(ip: string, request: TestRequest): Promise<TestResponse & { setCookies: string[] }> {
    const cookie = this.cookies();
    const headers = { ...(request.headers ?? {}), ...(cookie ? { Cookie: cookie } : {}) };
    let response = await invoke({ ...request, headers, sourceIp: ip });
    // A 503 with Retry-After is the documented answer of an overloaded emulator (a busy shared
    // machine), not a rule: a person tries again, and so does the browser, twice at most.
    for (let attempt = 1; response.status === 503 && response.headers['retry-after'] && attempt <= 2; attempt += 1) {
      await new Promise((r) => setTimeout(r, 500 * attempt));
      response = await invoke({ ...request, headers, sourceIp: ip });
    }
    for (const line of response.setCookies) this.store(line);
    return response;
  }

  private store(line: string): void {
    const [pair, ...attributes] = line.split(';').map((s) => s.trim());
    const eq = pair.indexOf('=');
    const [name, value] = [pair.slice(0, eq), pair.slice(eq + 1)];
    registerSecret(value, 'binding cookie');
    const expired = attributes.some((a) => /^max-age=(0|-\d+)$/i.test(a)) || value === '';
    if (expired) this.jar.delete(name);
    else this.jar.set(name, value);
  }
}

export interface MailedSecret {
  kind: 'vrf' | 'rst' | 'code';
  value: string;
}

/** New mail to `address` since the last look (by message id), as the secrets it carries. */
export class Mailbox {
  private readonly seen = new Set<string>();

  constructor(readonly address: string) {}

  async fresh(): Promise<MailedSecret[]> {
    const out: MailedSecret[] = [];
    const wanted = this.address.toLowerCase();
    for (const mail of await sentMail()) {
      if (this.seen.has(mail.id) || !mail.to.some((to) => to.toLowerCase() === wanted)) continue;
      this.seen.add(mail.id);
      for (const kind of ['vrf', 'rst'] as const) {
        const token = new RegExp(`hs_${kind}_[A-Za-z0-9_-]+`).exec(mail.body)?.[0];
        if (token) out.push({ kind, value: token });
      }
      // The one-time unlock code of POST /v1/sessions/unlock (6–8 digits in a mail about signing in).
      const code = /\bcode\b/i.test(`${mail.subject} ${mail.body}`) && !/hs_(vrf|rst)_/.test(mail.body) ? /\b(\d{6,8})\b/.exec(mail.body)?.[1] : undefined;
      if (code) out.push({ kind: 'code', value: code });
    }
    // Links are secrets for the leak check; a 6-digit code is not (it would match any number in a log line).
    for (const s of out) if (s.kind !== 'code') registerSecret(s.value, `mailed ${s.kind}`);
    return out;
  }
}
