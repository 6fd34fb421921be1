import type { APIGatewayProxyResult } from 'aws-lambda';

/**
 * Headers on every response, errors included. The API never serves HTML, so the CSP forbids
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

export function withSecurityHeaders(response: APIGatewayProxyResult): APIGatewayProxyResult {
  return { ...response, headers: { ...(response.headers ?? {}), ...SECURITY_HEADERS } };
}
