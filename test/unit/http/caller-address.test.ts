import { callerAddress, parseViewerAddress } from '../../../lib/http/caller-address';
import { toHttpRequest } from '../../../lib/http/handler';

const SECRET = 'origin-secret-6f1c2e9a';
const EDGE = '130.176.0.1';

/** A request as API Gateway hands it over, headers lower-cased (lib/http/handler.ts). */
function request(headers: Record<string, string | string[]>, sourceIp: string | undefined = EDGE) {
  const multiHeaders = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, ([] as string[]).concat(v)]));
  const single = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, ([] as string[]).concat(v).at(-1)!]));
  return { sourceIp, headers: single, multiHeaders };
}

describe('callerAddress: the address per-address limits count by', () => {
  it("takes CloudFront's viewer address when the request carries the distribution's secret", () => {
    expect(callerAddress(request({ 'x-origin-verify': SECRET, 'x-viewer-ip': '198.51.100.10' }), SECRET)).toBe('198.51.100.10');
  });

  it('takes an IPv6 viewer address, in one spelling', () => {
    expect(callerAddress(request({ 'x-origin-verify': SECRET, 'x-viewer-ip': '2001:DB8::7' }), SECRET)).toBe('2001:db8::7');
  });

  it('ignores a forged viewer address sent without the secret: the caller is its own source address', () => {
    const forged = request({ 'x-viewer-ip': '203.0.113.99' }, '192.0.2.55');
    expect(callerAddress(forged, SECRET)).toBe('192.0.2.55');
  });

  it('ignores a forged viewer address sent with a wrong, empty, longer or shorter secret', () => {
    for (const presented of ['wrong', '', `${SECRET}x`, SECRET.slice(0, -1), SECRET.toUpperCase()]) {
      expect(callerAddress(request({ 'x-origin-verify': presented, 'x-viewer-ip': '203.0.113.99' }, '192.0.2.55'), SECRET)).toBe('192.0.2.55');
    }
  });

  it('ignores the headers when the stage has no distribution (no secret configured)', () => {
    expect(callerAddress(request({ 'x-origin-verify': '', 'x-viewer-ip': '203.0.113.99' }, '192.0.2.55'), '')).toBe('192.0.2.55');
    expect(callerAddress(request({ 'x-origin-verify': SECRET, 'x-viewer-ip': '203.0.113.99' }, '192.0.2.55'), undefined)).toBe('192.0.2.55');
  });

  it('refuses two secrets or two viewer addresses (a viewer-sent copy beside CloudFront\'s)', () => {
    expect(callerAddress(request({ 'x-origin-verify': ['wrong', SECRET], 'x-viewer-ip': '198.51.100.10' }), SECRET)).toBe(EDGE);
    expect(callerAddress(request({ 'x-origin-verify': SECRET, 'x-viewer-ip': ['203.0.113.99', '198.51.100.10'] }), SECRET)).toBe(EDGE);
  });

  it('falls back to the source address when the viewer address is missing or malformed', () => {
    for (const bad of [undefined, '', 'not-an-ip', '198.51.100.10:443', '198.51.100.10, 203.0.113.99', '[2001:db8::1]', '999.1.1.1', 'localhost']) {
      const headers: Record<string, string> = { 'x-origin-verify': SECRET };
      if (bad !== undefined) headers['x-viewer-ip'] = bad;
      expect({ bad, address: callerAddress(request(headers), SECRET) }).toEqual({ bad, address: EDGE });
    }
  });

  it('reads single-value headers when the event has no multi-value headers', () => {
    expect(callerAddress({ sourceIp: EDGE, headers: { 'x-origin-verify': SECRET, 'x-viewer-ip': '198.51.100.10' } }, SECRET)).toBe('198.51.100.10');
    expect(callerAddress({ sourceIp: EDGE, headers: { 'x-viewer-ip': '198.51.100.10' } }, SECRET)).toBe(EDGE);
  });

  it("says 'unknown' when API Gateway gave no source address and nothing else is trusted", () => {
    expect(callerAddress({ headers: {} }, SECRET)).toBe('unknown');
    expect(callerAddress(request({}, ''), SECRET)).toBe('unknown');
  });
});

describe('parseViewerAddress', () => {
  it.each([
    ['198.51.100.10', '198.51.100.10'],
    [' 198.51.100.10 ', '198.51.100.10'],
    ['::1', '::1'],
    ['2001:DB8::1', '2001:db8::1'],
    ['198.51.100.10:46532', undefined],
    ['198.51.100', undefined],
    ['', undefined],
  ])('%j → %s', (value, expected) => {
    expect(parseViewerAddress(value)).toBe(expected);
  });
});

describe('toHttpRequest: every handler counts by the caller address', () => {
  const event = (headers: Record<string, string>) =>
    ({ httpMethod: 'POST', path: '/v1/sessions', resource: '/v1/sessions', headers, multiValueHeaders: {}, requestContext: { identity: { sourceIp: EDGE }, requestId: 'r1' } }) as never;
  const context = { awsRequestId: 'a1' } as never;
  const saved = process.env.ORIGIN_VERIFY_SECRET;
  beforeEach(() => {
    process.env.ORIGIN_VERIFY_SECRET = SECRET;
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.ORIGIN_VERIFY_SECRET;
    else process.env.ORIGIN_VERIFY_SECRET = saved;
  });

  it('gives two viewers behind one CloudFront edge two addresses (the login throttle, signup and report budgets key on it)', () => {
    const a = toHttpRequest(event({ 'X-Origin-Verify': SECRET, 'X-Viewer-Ip': '198.51.100.10' }), context);
    const b = toHttpRequest(event({ 'X-Origin-Verify': SECRET, 'X-Viewer-Ip': '198.51.100.11' }), context);
    expect([a.sourceIp, b.sourceIp]).toEqual(['198.51.100.10', '198.51.100.11']);
  });

  it('keeps the source address for a request that names a viewer address without the secret', () => {
    expect(toHttpRequest(event({ 'X-Viewer-Ip': '198.51.100.10' }), context).sourceIp).toBe(EDGE);
  });
});
