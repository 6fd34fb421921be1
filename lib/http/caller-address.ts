import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

/**
 * The caller's address, the one every per-address limit counts by (the login throttle's trusted
 * pairs and IP counter, signup and reset budgets, the report budget). Issue 27.
 *
 * Pages and `/v1/*` on the website's domain reach the API through CloudFront, so API Gateway's
 * `sourceIp` is a CloudFront edge server shared by every viewer behind it. The distribution sets
 * the viewer's own address (`X-Viewer-Ip`, a CloudFront function that overwrites whatever the
 * viewer sent, sls/resources/web.js) and its secret origin header (`X-Origin-Verify`). The viewer
 * address is taken only when the secret is present and equal to the stage's: anyone can send an
 * `X-Viewer-Ip` header straight to the API's own domain, and without the secret it is ignored.
 * Everything else (the API's own domain, the local stage, a malformed header) counts by
 * `sourceIp`. Pure: the secret is passed in.
 */
export const VIEWER_ADDRESS_HEADER = 'x-viewer-ip';
export const ORIGIN_VERIFY_HEADER = 'x-origin-verify';

export interface AddressedRequest {
  sourceIp?: string;
  /** Lower-cased header names, one value each. */
  headers: Record<string, string | undefined>;
  /** Lower-cased header names, every value sent. */
  multiHeaders?: Record<string, string[] | undefined>;
}

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** Constant-time comparison of the presented origin secret with the stage's. */
function carriesOriginSecret(request: AddressedRequest, secret: string): boolean {
  const values = request.multiHeaders?.[ORIGIN_VERIFY_HEADER] ?? (request.headers[ORIGIN_VERIFY_HEADER] === undefined ? [] : [request.headers[ORIGIN_VERIFY_HEADER]!]);
  if (values.length !== 1) return false;
  return timingSafeEqual(digest(values[0]), digest(secret));
}

/** An IPv4 or IPv6 address as CloudFront's `event.viewer.ip` gives it (no port), or undefined. */
export function parseViewerAddress(value: string): string | undefined {
  const address = value.trim();
  return isIP(address) ? address.toLowerCase() : undefined;
}

/** The address to count a request by. `originSecret` empty: no distribution, `sourceIp` always. */
export function callerAddress(request: AddressedRequest, originSecret: string | undefined): string {
  const sourceIp = request.sourceIp || 'unknown';
  if (!originSecret || !carriesOriginSecret(request, originSecret)) return sourceIp;
  const viewer = request.multiHeaders?.[VIEWER_ADDRESS_HEADER] ?? (request.headers[VIEWER_ADDRESS_HEADER] === undefined ? [] : [request.headers[VIEWER_ADDRESS_HEADER]!]);
  if (viewer.length !== 1) return sourceIp;
  return parseViewerAddress(viewer[0]) ?? sourceIp;
}
