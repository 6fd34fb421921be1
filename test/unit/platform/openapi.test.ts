import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { API_ROUTES, apiDocument } from '../../../lib/api/routes';
import { CONTRACT_FILES, renderContractFiles } from '../../../scripts/contract';
import { checkResponseAgainstDocument } from '../../support/contract-check';
import { ROOT } from '../../support/paths';

const run = promisify(execFile);
const json = (status: number, body: unknown, contentType = 'application/json; charset=utf-8') => ({ status, headers: { 'content-type': contentType }, text: JSON.stringify(body) });

describe('the OpenAPI document', () => {
  it.each(Object.entries(CONTRACT_FILES))('the committed %s (%s) is what the route contracts generate (run `npm run contract`)', (key, file) => {
    const committed = readFileSync(path.join(ROOT, file), 'utf8');
    expect(committed).toBe(renderContractFiles()[key as keyof typeof CONTRACT_FILES]);
  });

  it('passes @redocly/cli lint with the recommended-strict rules (redocly.yaml)', async () => {
    // Prepare: the pinned binary, no network (telemetry and the update check off).
    const bin = path.join(ROOT, 'node_modules/.bin/redocly');
    // Act
    const { stdout, stderr } = await run(bin, ['lint', CONTRACT_FILES.openapi, '--format=summary'], {
      cwd: ROOT,
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
    }).catch((error: { stdout: string; stderr: string }) => {
      throw new Error(`redocly lint failed:\n${error.stdout}\n${error.stderr}`);
    });
    // Assess: exit 0 and nothing reported (warnings are errors in recommended-strict).
    expect(`${stdout}${stderr}`).toMatch(/Your API description is valid/);
    expect(`${stdout}${stderr}`).not.toMatch(/warning|error/i);
  }, 60_000);

  it('has one operation per route contract, with unique operation ids', () => {
    const doc = apiDocument();
    const operations = Object.entries(doc.paths ?? {}).flatMap(([p, item]) => Object.keys(item as object).map((m) => `${m.toUpperCase()} ${p}`));
    expect(operations.sort()).toEqual(API_ROUTES.map((r) => `${r.method} ${r.path}`).sort());
    expect(new Set(API_ROUTES.map((r) => r.id)).size).toBe(API_ROUTES.length);
  });

  it('documents the shared answers of the middleware on every route that can give them', () => {
    const doc = apiDocument();
    for (const route of API_ROUTES) {
      const responses = Object.keys((doc.paths as Record<string, Record<string, { responses: object }>>)[route.path][route.method.toLowerCase()].responses);
      expect(responses).toEqual(expect.arrayContaining(['500', '503']));
      expect(responses).toContain('413');
      if (route.body) expect(responses).toContain('415');
      if (route.body && route.body.mode !== 'raw') expect(responses).toContain('400');
      if (route.auth === 'bearer' || route.auth === 'session') expect(responses).toContain('401');
    }
  });
});

describe('the response check the shared cases run', () => {
  it('accepts a documented status, content type and body', () => {
    expect(() => checkResponseAgainstDocument('GET', '/v1/health', json(200, { status: 'ok' }))).not.toThrow();
    expect(() => checkResponseAgainstDocument('GET', '/v1/incidents/inc_abc?x=1', json(404, { error: { code: 'not_found', message: 'No.' } }))).not.toThrow();
  });

  it('refuses an undocumented field, status or content type', () => {
    expect(() => checkResponseAgainstDocument('GET', '/v1/health', json(200, { status: 'ok', version: '1.2' }))).toThrow(/does not match the documented schema of getHealth/);
    expect(() => checkResponseAgainstDocument('GET', '/v1/health', json(418, { status: 'ok' }))).toThrow(/status 418 is not documented/);
    expect(() => checkResponseAgainstDocument('GET', '/v1/health', json(200, { status: 'ok' }, 'text/html'))).toThrow(/content type "text\/html" is not documented/);
    expect(() => checkResponseAgainstDocument('POST', '/v1/incidents', json(202, { id: 'inc_1', trackingToken: 'hsi_x', status: 'received', acknowledgeBy: 'tomorrow' }))).toThrow(/acknowledgeBy/);
  });

  it('refuses a body where the document says there is none', () => {
    expect(() => checkResponseAgainstDocument('POST', '/v1/tokens/revoke-all', json(204, { done: true }))).toThrow(/no body/);
  });

  it('lets an undocumented route or method be only the fallback\'s JSON 404 or 405', () => {
    expect(() => checkResponseAgainstDocument('GET', '/v1/nope', json(404, { error: { code: 'not_found', message: 'No such route.' } }))).not.toThrow();
    expect(() => checkResponseAgainstDocument('PUT', '/v1/health', json(405, { error: { code: 'method_not_allowed', message: 'No.' } }))).not.toThrow();
    expect(() => checkResponseAgainstDocument('GET', '/v1/brand-new', json(200, { ok: true }))).toThrow(/not in docs\/openapi.json/);
    expect(() => checkResponseAgainstDocument('GET', '/v1/nope', json(404, { oops: true }))).toThrow(/error shape/);
  });
});
