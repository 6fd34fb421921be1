import type { APIGatewayProxyResult } from 'aws-lambda';

/**
 * Headers on every response, errors included. API responses are never HTML, so their CSP forbids
 * everything; `no-store` keeps tokens and personal data out of every cache.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Strict-Transport-Security': 'max-age=63072000; includeSubDomains',
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
});

/**
 * The pages' policy: scripts, styles, images and requests from this origin only (no inline
 * script or style, no third-party origin), forms post only here, never framed, no <base>.
 */
export const PAGE_CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** `api` for JSON routes; `page` for HTML pages, which may say how long they can be cached. */
export type HeaderProfile = 'api' | 'page';

export function withSecurityHeaders(response: APIGatewayProxyResult, profile: HeaderProfile = 'api'): APIGatewayProxyResult {
  const own = (response.headers ?? {}) as Record<string, string>;
  if (profile === 'api') return { ...response, headers: { ...own, ...SECURITY_HEADERS } };
  return {
    ...response,
    headers: {
      ...own,
      ...SECURITY_HEADERS,
      'Content-Security-Policy': PAGE_CONTENT_SECURITY_POLICY,
      'Cross-Origin-Opener-Policy': 'same-origin',
      // A page without personal data may be cached (the handler says so); anything else is no-store.
      'Cache-Control': own['Cache-Control'] ?? 'no-store',
    },
  };
}
