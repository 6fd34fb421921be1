import type { Send } from '../support/http';

/** Cases shared by the integration layer (in-process) and the e2e layer (HTTP). */
export interface HttpCase {
  name: string;
  run: (send: Send) => Promise<void>;
}

export function expectSecurityHeaders(headers: Record<string, string>): void {
  expect(headers['strict-transport-security']).toBe('max-age=63072000; includeSubDomains');
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['cache-control']).toBe('no-store');
}

export const platformCases: HttpCase[] = [
  {
    name: 'GET /v1/health answers ok with the security headers',
    run: async (send) => {
      const res = await send({ method: 'GET', path: '/v1/health' });
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ status: 'ok' });
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expectSecurityHeaders(res.headers);
    },
  },
  {
    name: 'GET /.well-known/security.txt is RFC 9116 with every field and an Expires under a year ahead',
    run: async (send) => {
      const res = await send({ method: 'GET', path: '/.well-known/security.txt' });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expectSecurityHeaders(res.headers);
      const fields = new Map<string, string[]>();
      for (const line of res.text.trim().split('\n')) {
        const [, name, value] = /^([A-Za-z-]+): (.+)$/.exec(line) ?? [];
        expect(name).toBeDefined();
        fields.set(name, [...(fields.get(name) ?? []), value]);
      }
      for (const required of ['Contact', 'Expires', 'Policy', 'Acknowledgments', 'Preferred-Languages', 'Canonical']) {
        expect(fields.get(required)?.length).toBeGreaterThan(0);
      }
      expect(fields.get('Expires')).toHaveLength(1);
      const expires = Date.parse(fields.get('Expires')![0]);
      expect(expires).toBeGreaterThan(Date.now());
      expect(expires).toBeLessThan(Date.now() + 365 * 86_400_000);
      expect(fields.get('Contact')![0]).toMatch(/^(mailto:|https?:\/\/)/);
      expect(fields.get('Acknowledgments')![0]).toMatch(/\/v1\/security\/advisories$/);
    },
  },
  {
    name: 'an unknown route is a JSON 404 with the security headers',
    run: async (send) => {
      const res = await send({ method: 'GET', path: '/v1/no-such-thing' });
      expect(res.status).toBe(404);
      expect(res.json).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
      expectSecurityHeaders(res.headers);
    },
  },
  {
    name: 'a known path with another method is a JSON 405 naming the allowed methods',
    run: async (send) => {
      const res = await send({ method: 'DELETE', path: '/v1/health' });
      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe('GET');
      expect(res.json.error.code).toBe('method_not_allowed');
      expectSecurityHeaders(res.headers);
    },
  },
  {
    name: 'a huge body to an unknown route is refused without echoing it',
    run: async (send) => {
      const res = await send({ method: 'POST', path: '/v1/unknown', body: { blob: 'x'.repeat(1000) } });
      expect(res.status).toBe(404);
      expect(res.text).not.toContain('xxxx');
    },
  },
];
