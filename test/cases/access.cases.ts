import { randomBytes } from 'node:crypto';
import type { Send } from '../support/http';
import type { HttpCase } from './platform.cases';

/** Paths someone might try to reach an ops action on, if one were ever exposed over HTTP. */
export const PLAUSIBLE_OPS_PATHS = [
  '/ops',
  '/ops/customers/show',
  '/ops/customers/usr_0123456789abcdef',
  '/ops/audit',
  '/ops/insights',
  '/v1/ops/customers/show',
  '/v1/ops/audit/list',
  '/v1/customers/usr_0123456789abcdef',
  '/v1/customers/someone%40example.test',
  '/v1/customers',
  '/v1/audit',
  '/v1/insights',
  '/opsCustomers',
  '/v1/opsAudit',
  // serverless-offline's Lambda invoke API lives on its own port; the public port must not serve it.
  '/2015-03-31/functions/helpshelf-local-opsCustomers/invocations',
  '/2015-03-31/functions/helpshelf-local-opsAudit/invocations',
];

const AUTHS: Array<[string, Record<string, string>]> = [
  ['no credentials', {}],
  ['a customer bearer token', { Authorization: `Bearer hs_${randomBytes(32).toString('base64url')}` }],
  ['a forged AWS SigV4 header', { Authorization: 'AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20261124/eu-west-1/execute-api/aws4_request, SignedHeaders=host, Signature=00' }],
];

async function expectNoOpsResult(send: Send, method: string, path: string, headers: Record<string, string>): Promise<void> {
  const body = method === 'GET' ? undefined : { action: method === 'POST' ? 'show' : 'list', args: { customer: 'someone@example.test', reason: 'ticket 4411' } };
  const res = await send({ method, path, headers, body });
  expect({ method, path, refused: [401, 403, 404].includes(res.status) }).toEqual({ method, path, refused: true });
  expect(res.json?.ok).toBeUndefined();
  expect(res.json?.result).toBeUndefined();
  expect(res.json?.error?.code).toEqual(expect.any(String));
  expect(res.text).not.toMatch(/"(customer|entries|chain|signupsPerWeek)"/);
}

/** Every plausible ops path, GET and POST, with these headers: never an ops result. */
export async function expectNoOpsPathAnswers(send: Send, headers: Record<string, string>): Promise<void> {
  for (const path of PLAUSIBLE_OPS_PATHS) {
    for (const method of ['GET', 'POST']) await expectNoOpsResult(send, method, path, headers);
  }
}

export const accessCases: HttpCase[] = AUTHS.map(([label, headers]) => ({
  name: `with ${label}, no plausible ops path answers anything but 401/403/404`,
  run: (send) => expectNoOpsPathAnswers(send, headers),
}));

/** The same with a real, valid customer session (signed up, verified, logged in). */
export async function withRealCustomerSession(send: Send, emulator: string): Promise<void> {
  const { readyAccount } = await import('./identity.cases');
  const account = await readyAccount({ send, emulator });
  expect((await send({ method: 'GET', path: '/v1/me', headers: { Authorization: `Bearer ${account.token}` } })).status).toBe(200);
  await expectNoOpsPathAnswers(send, { Authorization: `Bearer ${account.token}` });
}
