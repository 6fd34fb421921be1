import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { tokenFromMail } from '../../scripts/bench/scenarios';
import { uniqueIp } from '../cases/incidents.cases';
import { disableJavaScript, openBrowser, screenshot, seriousAxeViolations, watch, type Browser } from '../support/browser';
import { viaHttp } from '../support/http';
import { cliOps } from '../support/incidents';
import { mailTo } from '../support/mail';
import { registerSecret } from '../support/secrets-registry';

/**
 * The pages as people use them, in Debian's Chromium against the running local stage: reporting
 * with and without JavaScript, checking the status, reading an advisory, and the account security
 * page. Any console error, uncaught exception or CSP violation fails the test, and every page is
 * checked with axe-core (no serious or critical violation). Screenshots: .test-stage/screenshots.
 */
const BASE = process.env.E2E_BASE_URL!;
const send = viaHttp(BASE);
let browser: Browser;
// Chromium on a loaded 2-core machine: generous per-test time, conditions waited on, never sleeps.
jest.setTimeout(180_000);

/** Waits until the token table has exactly `n` rows (it is redrawn after every change). */
async function tokenRows(page: Page, n: number): Promise<void> {
  const rows = page.locator('#tokens tr');
  await rows.nth(n - 1).waitFor();
  await rows.nth(n).waitFor({ state: 'detached' });
  expect(await rows.count()).toBe(n);
}

beforeAll(async () => {
  browser = await openBrowser();
  // serverless-offline loads each function on its first request (slow on a loaded machine): load the pages first.
  for (const path of ['/security/report', '/security/report/status', '/security/advisories', '/account/security', '/v1/health']) await send({ method: 'GET', path });
}, 180_000);

afterAll(async () => {
  await browser?.close();
});

async function newPage(options: { javaScript?: boolean } = {}): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.context.newPage();
  if (options.javaScript === false) await disableJavaScript(browser.context, page);
  const { problems } = await watch(page);
  return { page, problems };
}

async function expectAccessible(page: Page, where: string): Promise<void> {
  expect({ where, violations: await seriousAxeViolations(page) }).toEqual({ where, violations: [] });
}

async function fillReport(page: Page, fields: { email: string; summary: string; details: string }): Promise<void> {
  await page.getByLabel('Your email').fill(fields.email);
  await page.getByLabel('A security vulnerability').check();
  await page.getByLabel('Summary').fill(fields.summary);
  await page.getByLabel('Details').fill(fields.details);
}

async function receiptOn(page: Page): Promise<{ id: string; trackingToken: string }> {
  await page.getByRole('heading', { name: 'Thank you: your report is in' }).waitFor();
  const id = (await page.locator('#incident-id').textContent())!.trim();
  const trackingToken = (await page.locator('#tracking-token').textContent())!.trim();
  registerSecret(trackingToken, 'tracking token (browser)');
  expect(id).toMatch(/^inc_/);
  return { id, trackingToken };
}

async function checkStatusFromReceipt(page: Page, id: string): Promise<void> {
  await page.getByRole('button', { name: 'Check the status now' }).click();
  await page.getByRole('heading', { name: `Report ${id}` }).waitFor();
  await expect(page.locator('[data-status]').getAttribute('data-status')).resolves.toBe('received');
}

describe('the pages in Chromium', () => {
  it('with JavaScript, a report is sent through the API without leaving the page, and its status can be checked', async () => {
    // Prepare
    const { page, problems } = await newPage();
    await page.goto(`${BASE}/security/report`);
    await expectAccessible(page, 'report form');
    await screenshot(page, 'report-form');
    const fields = { email: `browser-js-${randomUUID()}@example.test`, summary: `XSS in shelf names ${randomUUID()}`, details: 'Steps:\n1. Name a shelf <img src=x onerror=alert(1)>\n2. Open it.' };
    await fillReport(page, fields);
    // Act
    const [response] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/v1/incidents') && r.request().method() === 'POST'), page.getByRole('button', { name: 'Send report' }).click()]);
    // Assess
    expect(response.status()).toBe(202);
    const { id } = await receiptOn(page);
    expect(new URL(page.url()).pathname).toBe('/security/report');
    await expectAccessible(page, 'receipt (JavaScript)');
    await screenshot(page, 'report-received');
    await checkStatusFromReceipt(page, id);
    await expectAccessible(page, 'status');
    await screenshot(page, 'report-status');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('without JavaScript, the form posts as a plain HTML form, a mistake comes back tied to its field, and the status page works', async () => {
    // Prepare
    const { page, problems } = await newPage({ javaScript: false });
    await page.goto(`${BASE}/security/report`);
    const fields = { email: `browser-nojs-${randomUUID()}@example.test`, summary: `CSRF on shelf sharing ${randomUUID()}`, details: 'The share endpoint takes a GET.' };
    await fillReport(page, { ...fields, email: 'not-an-email' });
    // Act: a mistake first
    await page.getByRole('button', { name: 'Send report' }).click();
    // Assess: the form again, the error tied to the email field, the values kept
    const email = page.getByLabel('Your email');
    await expect(email.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.locator('#email-error').textContent()).resolves.toContain('valid email address');
    await expect(page.getByLabel('Summary').inputValue()).resolves.toBe(fields.summary);
    await expectAccessible(page, 'report form with an error (no JavaScript)');
    await screenshot(page, 'report-error-nojs');
    // Act: corrected
    await email.fill(fields.email);
    await page.getByRole('button', { name: 'Send report' }).click();
    // Assess
    const { id } = await receiptOn(page);
    await expectAccessible(page, 'receipt (no JavaScript)');
    await checkStatusFromReceipt(page, id);
    expect((await mailTo(fields.email, process.env.E2E_EMULATOR_ENDPOINT)).length).toBe(1);
    // The refused form is answered 400 on purpose, which Chromium reports once; nothing else.
    expect(problems).toEqual(['console error: Failed to load resource: the server responded with a status of 400 (Bad Request)']);
    await page.close();
  });

  it('after `incidents publish`, the advisory and its credit are on the advisories page and the Security page', async () => {
    // Prepare: a report, taken through the lifecycle with the real ops CLI
    const ops = cliOps();
    const title = `Stored XSS in shelf names ${randomUUID().slice(0, 8)}`;
    const created = await send({ method: 'POST', path: '/v1/incidents', body: { email: `advisory-${randomUUID()}@example.test`, summary: 'XSS', details: 'Details.', scope: 'security', creditAs: 'Ada L.', creditConsent: true }, sourceIp: uniqueIp() });
    expect(created.status).toBe(202);
    const id = created.json.id as string;
    await ops.ack(id, 'Grace H.');
    await ops.status(id, 'investigating');
    await ops.status(id, 'resolved');
    await ops.publish(id, title, 'Shelf names were rendered without escaping. Fixed; no data was exposed.', ['Ada L.']);
    const { page, problems } = await newPage();
    // Act
    await page.goto(`${BASE}/security/advisories`);
    // Assess
    const advisory = page.locator(`article#${id}`);
    await expect(advisory.getByRole('heading').textContent()).resolves.toBe(title);
    await expect(advisory.textContent()).resolves.toContain('Ada L.');
    await expectAccessible(page, 'advisories');
    await screenshot(page, 'advisories');
    await page.goto(`${BASE}/security`);
    await expect(page.locator('.evidence', { hasText: 'Published advisories' }).textContent()).resolves.toContain(title);
    await expectAccessible(page, 'security');
    await screenshot(page, 'security');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('on the account page, a person signs in, creates a token (shown once, copied), revokes it, revokes all and lands signed out; the API agrees at each step', async () => {
    // Prepare: a verified account
    const email = `browser-account-${randomUUID()}@example.test`;
    const password = `violet harbor ${randomUUID()}`;
    registerSecret(password, 'browser test password');
    expect((await send({ method: 'POST', path: '/v1/signup', body: { email, password }, sourceIp: uniqueIp() })).status).toBe(202);
    const mail = (await mailTo(email, process.env.E2E_EMULATOR_ENDPOINT)).at(-1)!;
    expect((await send({ method: 'POST', path: '/v1/signup/verify', body: { token: tokenFromMail(mail.body) }, sourceIp: uniqueIp() })).status).toBe(200);
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: BASE });
    const { page, problems } = await newPage();
    await page.goto(`${BASE}/account/security`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await expectAccessible(page, 'account: signed out');
    await screenshot(page, 'account-signin');

    // Act: sign in (keyboard: type, then Enter submits)
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByLabel('Password').press('Enter');
    // Assess: the session is listed and marked, and kept in sessionStorage only
    await page.getByRole('heading', { name: `Signed in as ${email}` }).waitFor();
    const rows = page.locator('#tokens tr');
    await tokenRows(page, 1);
    await expect(rows.first().getAttribute('data-current')).resolves.toBe('true');
    const session = (await page.evaluate('sessionStorage.getItem("helpshelf.session")')) as string;
    registerSecret(session, 'browser session token');
    expect(session).toMatch(/^hs_ses_/);
    await expect(page.evaluate('localStorage.length')).resolves.toBe(0);
    expect(page.url()).not.toContain('hs_');

    // Act: create an access token
    await page.getByLabel('Name').fill('backup script');
    await page.getByRole('button', { name: 'Create token' }).click();
    // Assess: shown once, copied, listed
    const tokenBox = page.locator('#new-token-value');
    await tokenBox.waitFor();
    const pat = (await tokenBox.textContent())!.trim();
    registerSecret(pat, 'browser access token');
    expect(pat).toMatch(/^hs_pat_/);
    await page.getByRole('button', { name: 'Copy token' }).click();
    await page.getByText('Copied to the clipboard.').waitFor();
    await expect(page.evaluate('navigator.clipboard.readText()')).resolves.toBe(pat);
    await tokenRows(page, 2);
    await expectAccessible(page, 'account: token created');
    await screenshot(page, 'account-token-created');
    expect((await send({ method: 'GET', path: '/v1/me', headers: { Authorization: `Bearer ${pat}` } })).status).toBe(200);
    await page.getByRole('button', { name: 'Done' }).click();
    await expect(tokenBox.textContent()).resolves.toBe('');

    // Act: revoke it
    await page.getByRole('button', { name: 'Revoke backup script' }).click();
    // Assess: the list changes, and the token no longer works
    await page.getByText('Revoked backup script.').waitFor();
    await tokenRows(page, 1);
    expect((await send({ method: 'GET', path: '/v1/me', headers: { Authorization: `Bearer ${pat}` } })).status).toBe(401);

    // Act: revoke all (asks first)
    await page.getByRole('button', { name: 'Revoke all sessions and tokens' }).click();
    await page.getByRole('button', { name: 'Yes, revoke every session and token' }).click();
    // Assess: signed out here, and on the server
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByText('You are signed out.', { exact: false }).waitFor();
    await expect(page.evaluate('sessionStorage.getItem("helpshelf.session")')).resolves.toBeNull();
    expect((await send({ method: 'GET', path: '/v1/me', headers: { Authorization: `Bearer ${session}` } })).status).toBe(401);
    await screenshot(page, 'account-signed-out');

    // Act: sign in again, then sign out
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: `Signed in as ${email}` }).waitFor();
    const second = (await page.evaluate('sessionStorage.getItem("helpshelf.session")')) as string;
    registerSecret(second, 'browser session token');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    // Assess: sign-out revoked the session server-side
    expect((await send({ method: 'GET', path: '/v1/me', headers: { Authorization: `Bearer ${second}` } })).status).toBe(401);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('every page is reachable by keyboard from a skip link, and passes axe-core without JavaScript too', async () => {
    const { page, problems } = await newPage({ javaScript: false });
    for (const path of ['/security', '/security/report', '/security/report/status', '/security/advisories', '/account/security']) {
      await page.goto(`${BASE}${path}`);
      await page.keyboard.press('Tab');
      await expect(page.evaluate('document.activeElement && document.activeElement.textContent')).resolves.toBe('Skip to content');
      await page.keyboard.press('Enter');
      await expect(page.evaluate('document.activeElement && document.activeElement.id')).resolves.toBe('main');
      await expectAccessible(page, `${path} (no JavaScript)`);
    }
    await screenshot(page, 'account-nojs');
    expect(problems).toEqual([]);
    await page.close();
  });
});
