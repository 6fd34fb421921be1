import { randomUUID } from 'node:crypto';
import type { Send, TestRequest, TestResponse } from '../support/http';
import type { incidentTable } from '../support/incidents';
import { registerSecret } from '../support/secrets-registry';
import { report, submit, uniqueIp } from './incidents.cases';

/**
 * The pages over HTTP, without a browser: what a no-JavaScript visitor (or a crawler) gets. The
 * same cases run in-process (test/integration/pages) against the real handlers.
 */
export interface PagesTestEnv {
  send: Send;
  mailTo(address: string): Promise<Array<{ subject: string }>>;
  table: ReturnType<typeof incidentTable>;
}

export interface PagesCase {
  name: string;
  run(env: PagesTestEnv): Promise<void>;
}

export const PAGES = ['/security', '/security/report', '/security/report/status', '/security/advisories', '/account/security'];

export function formPost(path: string, fields: Record<string, string>, sourceIp = uniqueIp()): TestRequest {
  return { method: 'POST', path, body: new URLSearchParams(fields).toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, sourceIp };
}

function reportFields(overrides: Record<string, string> = {}): Record<string, string> {
  const r = report() as Record<string, string>;
  return { email: r.email, summary: r.summary, details: r.details, scope: 'security', website: '', ...overrides };
}

/** What the receipt page shows; the tracking token is registered for the leak check. */
export function receiptOf(res: TestResponse): { id: string; trackingToken: string } {
  const id = /<code id="incident-id">(inc_[A-Za-z0-9_-]+)<\/code>/.exec(res.text)?.[1];
  const trackingToken = /<code class="secret" id="tracking-token">([^<]+)<\/code>/.exec(res.text)?.[1];
  if (!id || !trackingToken) throw new Error(`no receipt on the page: ${res.status} ${res.text.slice(0, 300)}`);
  registerSecret(trackingToken, 'tracking token (receipt page)');
  return { id, trackingToken };
}

export function expectPageHeaders(res: TestResponse): void {
  expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
  const csp = res.headers['content-security-policy'];
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("style-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("form-action 'self'");
  expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
  expect(res.headers['strict-transport-security']).toBe('max-age=63072000; includeSubDomains');
  expect(res.headers['x-content-type-options']).toBe('nosniff');
}

/** No inline script, inline style, event-handler attribute or third-party URL in the markup. */
export function expectNoInlineCode(html: string): void {
  expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/i);
  expect(html).not.toMatch(/<style[\s>]/i);
  expect(html).not.toMatch(/\sstyle\s*=/i);
  expect(html).not.toMatch(/\son[a-z]+\s*=/i);
  expect(html).not.toMatch(/(?:src|href|action)="(?:https?:)?\/\//i);
}

export const pagesCases: PagesCase[] = [
  {
    name: 'every page is HTML with the strict headers, no inline code, and assets that load',
    run: async (env) => {
      for (const path of PAGES) {
        const res = await env.send({ method: 'GET', path });
        expect({ path, status: res.status }).toEqual({ path, status: 200 });
        expectPageHeaders(res);
        expectNoInlineCode(res.text);
        const assets = [...res.text.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
        expect(assets.length).toBeGreaterThanOrEqual(2);
        for (const asset of assets) {
          const a = await env.send({ method: 'GET', path: asset });
          expect({ asset, status: a.status }).toEqual({ asset, status: 200 });
          expect(a.headers['cache-control']).toBe('public, max-age=31536000, immutable');
          expect(a.headers['content-type']).toMatch(/^(text\/css|text\/javascript|image\/svg\+xml)/);
        }
      }
    },
  },
  {
    name: 'when the report form is posted without JavaScript, the answer is a page with the id and tracking token, and the report is stored and acknowledged by mail',
    run: async (env) => {
      // Prepare
      const fields = reportFields();
      // Act
      const res = await env.send(formPost('/security/report', fields));
      // Assess
      expect(res.status).toBe(200);
      expectPageHeaders(res);
      expect(res.headers['cache-control']).toBe('no-store');
      const { id, trackingToken } = receiptOf(res);
      const stored = await env.table.byEmail(fields.email);
      expect(stored).toEqual(expect.arrayContaining([expect.objectContaining({ pk: `INCIDENT#${id}`, summary: fields.summary, details: fields.details, scope: 'security' })]));
      const view = await env.send({ method: 'GET', path: `/v1/incidents/${id}`, headers: { 'X-Tracking-Token': trackingToken } });
      expect(view.json).toMatchObject({ id, status: 'received' });
      expect((await env.mailTo(fields.email)).length).toBe(1);
    },
  },
  {
    name: 'when a posted report is invalid, the form comes back 400 with the error tied to its field, the values kept (escaped), and nothing stored',
    run: async (env) => {
      // Prepare: a bad email, and markup in the summary that must come back as text
      const marker = randomUUID();
      const fields = reportFields({ email: 'not-an-email', summary: `<script>alert("${marker}")</script>` });
      // Act
      const res = await env.send(formPost('/security/report', fields));
      // Assess
      expect(res.status).toBe(400);
      expectPageHeaders(res);
      expect(res.text).toMatch(/<input id="email" name="email"[^>]*aria-invalid="true" aria-describedby="email-error email-hint"/);
      expect(res.text).toContain('<p class="error" id="email-error">Enter a valid email address');
      expect(res.text).toContain('role="alert"');
      expect(res.text).toContain(`value="&lt;script&gt;alert(&quot;${marker}&quot;)&lt;/script&gt;"`);
      expect(res.text).not.toContain(`<script>alert("${marker}")`);
      expect(await env.table.byMarker(marker)).toEqual([]);
    },
  },
  {
    name: 'when the credit name is given without consent, the checkbox carries the error and nothing is stored',
    run: async (env) => {
      const fields = reportFields({ creditAs: 'Ada L.' });
      const res = await env.send(formPost('/security/report', fields));
      expect(res.status).toBe(400);
      expect(res.text).toMatch(/<input type="checkbox" id="creditConsent"[^>]*aria-invalid="true"/);
      expect(await env.table.byEmail(fields.email)).toEqual([]);
      // With the box ticked, the same report is accepted and the credit kept
      const ok = await env.send(formPost('/security/report', { ...fields, creditConsent: 'yes' }));
      expect(ok.status).toBe(200);
      const { id } = receiptOf(ok);
      expect(await env.table.byId(id)).toEqual(expect.arrayContaining([expect.objectContaining({ creditAs: 'Ada L.' })]));
    },
  },
  {
    name: 'when a bot fills the hidden field, it sees a receipt but nothing is stored and nobody is mailed',
    run: async (env) => {
      const fields = reportFields({ website: 'https://spam.example' });
      const res = await env.send(formPost('/security/report', fields));
      expect(res.status).toBe(200);
      receiptOf(res);
      expect(await env.table.byEmail(fields.email)).toEqual([]);
      expect(await env.mailTo(fields.email)).toEqual([]);
    },
  },
  {
    name: 'the form and POST /v1/incidents spend one budget per address: the sixth report in the window is a 429 page and is not stored',
    run: async (env) => {
      // Prepare: three JSON reports and two form reports from one address
      const ip = uniqueIp();
      for (let i = 0; i < 3; i += 1) expect((await env.send(submit(report(), ip))).status).toBe(202);
      for (let i = 0; i < 2; i += 1) expect((await env.send(formPost('/security/report', reportFields(), ip))).status).toBe(200);
      const sixth = reportFields();
      // Act
      const res = await env.send(formPost('/security/report', sixth, ip));
      // Assess
      expect(res.status).toBe(429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expectPageHeaders(res);
      expect(res.text).toContain('Too many reports');
      expect(await env.table.byEmail(sixth.email)).toEqual([]);
    },
  },
  {
    name: 'the status page shows a report from its id and tracking token, posted (never in the URL); a wrong token is the same 404 as an unknown id',
    run: async (env) => {
      // Prepare
      const { id, trackingToken } = receiptOf(await env.send(formPost('/security/report', reportFields())));
      // Act
      const res = await env.send(formPost('/security/report/status', { id, trackingToken }));
      const wrong = await env.send(formPost('/security/report/status', { id, trackingToken: `${trackingToken.slice(0, -2)}xx` }));
      const unknown = await env.send(formPost('/security/report/status', { id: 'inc_nope', trackingToken }));
      const empty = await env.send(formPost('/security/report/status', { id, trackingToken: '' }));
      // Assess
      expect(res.status).toBe(200);
      expectPageHeaders(res);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.text).toContain(`Report ${id}`);
      expect(res.text).toContain('data-status="received"');
      expect(wrong.status).toBe(404);
      expect(unknown.status).toBe(404);
      expect(wrong.text.replace(/inc_[\w-]+/g, 'ID')).toBe(unknown.text.replace(/inc_[\w-]+/g, 'ID'));
      expect(wrong.text).not.toContain(trackingToken);
      expect(empty.status).toBe(400);
      expect(empty.text).toMatch(/<input id="trackingToken"[^>]*aria-invalid="true"/);
      // The receipt email's link fills the id in (and only the id)
      const linked = await env.send({ method: 'GET', path: `/security/report/status?id=${encodeURIComponent(id)}` });
      expect(linked.status).toBe(200);
      expect(linked.text).toContain(`<input id="id" name="id" type="text" required autocomplete="off" spellcheck="false" value="${id}">`);
      const hostile = await env.send({ method: 'GET', path: `/security/report/status?id=${encodeURIComponent('"><script>x</script>')}` });
      expect(hostile.text).toContain('value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"');
    },
  },
  {
    name: 'a wrong method on a page is a 405 naming the allowed ones',
    run: async (env) => {
      const res = await env.send({ method: 'DELETE', path: '/security' });
      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe('GET');
    },
  },
];
