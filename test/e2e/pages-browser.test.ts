import { randomUUID } from 'node:crypto';
import type { Page, Request } from 'playwright-core';
import { tokenFromMail } from '../../scripts/bench/scenarios';
import { issuedTokens, revokeAllAtProvider } from '../../scripts/lib/social-provider';
import { CONNECT_FAILURE_FALLBACK, CONNECT_FAILURE_MESSAGES } from '../../lib/pages/connect-outcome';
import { uniqueIp } from '../cases/incidents.cases';
import { disableJavaScript, openBrowser, screenshot, seriousAxeViolations, watch, type Browser } from '../support/browser';
import { signInOnPage, verifiedAccount } from '../support/browser-account';
import { viaHttp } from '../support/http';
import { bearer } from '../support/connections';
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
/** http://localhost:PORT, the stage's public URL: the connect flow returns the browser there. */
const PUBLIC = process.env.E2E_PUBLIC_URL!;
/** The stand-in social provider (provider `demo`). */
const PROVIDER = process.env.E2E_SOCIAL_PROVIDER!;
const send = viaHttp(BASE);
let browser: Browser;
// Chromium on a loaded 2-core machine: generous per-test time, conditions waited on, never sleeps.
jest.setTimeout(180_000);

/** Waits until the list (`#sessions` or `#tokens`) has exactly `n` rows (it is redrawn after every change). */
async function rowsOf(page: Page, list: 'sessions' | 'tokens', n: number): Promise<void> {
  const rows = page.locator(`#${list} tr`);
  if (n > 0) await rows.nth(n - 1).waitFor();
  await rows.nth(n).waitFor({ state: 'detached' });
  expect(await rows.count()).toBe(n);
}

/**
 * Clicks `button` (Connect or Reconnect) and follows the browser through the real connect flow:
 * the start step, the stand-in provider's redirects, the callback, and back to the account page
 * with `?status=connected&connection=<id>`. Returns the connection id and every address the tab
 * went through.
 */
async function connectThroughBrowser(page: Page, button: string): Promise<{ id: string; visited: string[] }> {
  // Every navigation request of the tab, redirects included: `<origin> <path>`.
  const visited: string[] = [];
  const record = (r: Request) => {
    if (r.isNavigationRequest() && r.frame() === page.mainFrame()) visited.push(`${new URL(r.url()).origin} ${new URL(r.url()).pathname}`);
  };
  page.on('request', record);
  const back = page.waitForRequest((r) => r.isNavigationRequest() && new URL(r.url()).pathname === '/account/security' && new URL(r.url()).searchParams.has('status'), { timeout: 60_000 });
  await page.getByRole('button', { name: button }).click();
  const landed = new URL((await back).url());
  await page.getByText('It is listed below.', { exact: false }).waitFor();
  page.off('request', record);
  expect({ status: landed.searchParams.get('status'), reason: landed.searchParams.get('reason') }).toEqual({ status: 'connected', reason: null });
  return { id: landed.searchParams.get('connection')!, visited };
}

async function connectionRow(page: Page, status: string): Promise<{ id: string; text: string }> {
  const row = page.locator(`#connections tr[data-status="${status}"]`);
  await row.waitFor();
  await expect(page.locator('#connections tr').count()).resolves.toBe(1);
  return { id: (await row.getAttribute('data-connection-id'))!, text: (await row.textContent())! };
}

beforeAll(async () => {
  browser = await openBrowser();
  // serverless-offline loads each function on its first request (slow on a loaded machine): load the pages first.
  for (const path of ['/security/report', '/security/report/status', '/security/advisories', '/account/security', '/v1/health', '/v1/connections/providers']) await send({ method: 'GET', path });
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
    expect((await send({ method: 'POST', path: '/v1/signup/verify', body: { token: tokenFromMail(mail.body), password }, sourceIp: uniqueIp() })).status).toBe(200);
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: BASE });
    const { page, problems } = await newPage();
    await page.goto(`${BASE}/account/security`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await expectAccessible(page, 'account: signed out');
    await screenshot(page, 'account-signin');

    // Act: sign in (keyboard: type, then Enter submits)
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByLabel('Password', { exact: true }).press('Enter');
    // Assess: the session is listed and marked, and kept in sessionStorage only
    await page.getByRole('heading', { name: `Signed in as ${email}` }).waitFor();
    await rowsOf(page, 'sessions', 1);
    await expect(page.locator('#sessions tr').first().getAttribute('data-current')).resolves.toBe('true');
    await expect(page.locator('#tokens-empty').isVisible()).resolves.toBe(true);
    const session = (await page.evaluate('sessionStorage.getItem("helpshelf.session")')) as string;
    registerSecret(session, 'browser session token');
    expect(session).toMatch(/^hs_ses_/);
    await expect(page.evaluate('localStorage.length')).resolves.toBe(0);
    expect(page.url()).not.toContain('hs_');

    // Act: create an access token
    await page.getByLabel('Name', { exact: true }).fill('backup script');
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
    await rowsOf(page, 'tokens', 1);
    await expectAccessible(page, 'account: token created');
    await screenshot(page, 'account-token-created');
    expect((await send({ method: 'GET', path: '/v1/me', headers: { Authorization: `Bearer ${pat}` } })).status).toBe(200);
    await page.getByRole('button', { name: 'Done' }).click();
    await expect(tokenBox.textContent()).resolves.toBe('');

    // Act: revoke it
    await page.getByRole('button', { name: 'Revoke backup script' }).click();
    // Assess: the list changes, and the token no longer works
    await page.getByText('Revoked backup script.').waitFor();
    await rowsOf(page, 'tokens', 0);
    await rowsOf(page, 'sessions', 1);
    expect((await send({ method: 'GET', path: '/v1/me', headers: { Authorization: `Bearer ${pat}` } })).status).toBe(401);

    // Act: sign out everywhere (asks first)
    await page.getByRole('button', { name: 'Sign out everywhere' }).click();
    await page.getByRole('button', { name: 'Yes, sign out everywhere' }).click();
    // Assess: signed out here, and on the server
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByText('You are signed out.', { exact: false }).waitFor();
    await expect(page.evaluate('sessionStorage.getItem("helpshelf.session")')).resolves.toBeNull();
    expect((await send({ method: 'GET', path: '/v1/me', headers: { Authorization: `Bearer ${session}` } })).status).toBe(401);
    await screenshot(page, 'account-signed-out');

    // Act: sign in again, then sign out
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: `Signed in as ${email}` }).waitFor();
    const second = (await page.evaluate('sessionStorage.getItem("helpshelf.session")')) as string;
    registerSecret(second, 'browser session token');
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    // Assess: sign-out revoked the session server-side
    expect((await send({ method: 'GET', path: '/v1/me', headers: { Authorization: `Bearer ${second}` } })).status).toBe(401);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('on the account page, a person connects `demo` through the real redirects, sees it need reconnecting once the provider ends the grant, reconnects it and disconnects it; the API and the provider agree at each step', async () => {
    // Prepare: a verified account, signed in on the stage's public URL (where the flow returns)
    const account = await verifiedAccount(send, 'browser-connections');
    const { page, problems } = await newPage();
    await page.goto(`${PUBLIC}/account/security`);
    const session = await signInOnPage(page, account);
    await page.getByText('No social account is connected.').waitFor();
    await expect(page.locator('#connections-table').isHidden()).resolves.toBe(true);
    const beforeConnect = new Set((await issuedTokens(PROVIDER)).map((t) => t.value));

    // Act: connect
    const first = await connectThroughBrowser(page, 'Connect Demo (local stand-in provider)');
    // Assess: the tab really went start → provider → callback → back here; the outcome is announced
    // and focused, the query dropped, the connection listed as active, and the API agrees
    const hops = first.visited.map((v) => (v.startsWith(`${PUBLIC} `) ? v.slice(PUBLIC.length + 1) : v.startsWith(`${PROVIDER} `) ? 'provider' : v));
    expect(hops[0]).toBe('/v1/connections/start');
    expect(hops).toContain('provider');
    expect(hops.slice(-2)).toEqual(['/v1/connections/callback', '/account/security']);
    expect(hops.every((h) => h === 'provider' || h.startsWith('/'))).toBe(true);
    expect(first.id).toMatch(/^con_/);
    await expect(page.locator('#account-status').textContent()).resolves.toBe('Connected Demo Account on Demo (local stand-in provider). It is listed below.');
    await expect(page.evaluate('document.activeElement && document.activeElement.id')).resolves.toBe('account-status');
    expect(page.url()).toBe(`${PUBLIC}/account/security`);
    const active = await connectionRow(page, 'active');
    expect(active.id).toBe(first.id);
    expect(active.text).toContain('Demo Account');
    expect(active.text).toContain('posts.read');
    await expect(page.evaluate('sessionStorage.getItem("helpshelf.session")')).resolves.toBe(session);
    const listed = await send({ method: 'GET', path: '/v1/connections', headers: bearer(session) });
    expect(listed.json.connections).toEqual([expect.objectContaining({ id: first.id, provider: 'demo', accountId: 'demo-account', status: 'active' })]);
    await expectAccessible(page, 'account: a connected account');
    await screenshot(page, 'account-connections');

    // Act: the account removes HelpShelf at the provider; the next use finds out
    await revokeAllAtProvider(PROVIDER);
    expect((await send({ method: 'GET', path: `/v1/connections/${first.id}/posts`, headers: bearer(session) })).status).toBe(409);
    await page.reload();
    // Assess: said plainly, with a Reconnect action
    const stale = await connectionRow(page, 'needs_reauth');
    expect(stale.text).toContain('Needs reconnecting');
    await page.getByRole('button', { name: 'Reconnect Demo Account on Demo (local stand-in provider)' }).waitFor();
    await expectAccessible(page, 'account: a connection that needs reconnecting');
    await screenshot(page, 'account-connection-needs-reauth');

    // Act: reconnect
    const beforeReconnect = new Set((await issuedTokens(PROVIDER)).map((t) => t.value));
    const second = await connectThroughBrowser(page, 'Reconnect Demo Account on Demo (local stand-in provider)');
    // Assess: active again, here and in the API, and usable
    const again = await connectionRow(page, 'active');
    expect(again.id).toBe(second.id);
    expect((await send({ method: 'GET', path: '/v1/connections', headers: bearer(session) })).json.connections).toEqual([expect.objectContaining({ id: second.id, status: 'active' })]);
    expect((await send({ method: 'GET', path: `/v1/connections/${second.id}/posts`, headers: bearer(session) })).status).toBe(200);
    const live = (await issuedTokens(PROVIDER)).filter((t) => t.active && !beforeReconnect.has(t.value)).map((t) => t.value);
    expect(live.length).toBeGreaterThan(0);
    expect([...beforeConnect].some((value) => live.includes(value))).toBe(false);

    // Act: sign out (the list goes with the session), sign in again (the connection is still there)
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await expect(page.locator('#connections tr').count()).resolves.toBe(0);
    await expect(page.locator('#providers button').count()).resolves.toBe(0);
    const nextSession = await signInOnPage(page, account);
    await connectionRow(page, 'active');

    // Act: disconnect
    await page.getByRole('button', { name: 'Disconnect Demo Account on Demo (local stand-in provider)' }).click();
    // Assess: the row goes, the page says so and focuses the section; the API lists none; the
    // provider's tokens of that grant are no longer active
    await page.getByText('No social account is connected.').waitFor();
    await expect(page.locator('#connections tr').count()).resolves.toBe(0);
    await expect(page.locator('#account-status').textContent()).resolves.toBe('Disconnected Demo Account on Demo (local stand-in provider). HelpShelf can no longer use it.');
    await expect(page.evaluate('document.activeElement && document.activeElement.id')).resolves.toBe('connections-title');
    expect((await send({ method: 'GET', path: '/v1/connections', headers: bearer(nextSession) })).json.connections).toEqual([]);
    const after = await issuedTokens(PROVIDER);
    expect(live.map((value) => ({ value: value.slice(0, 6), active: after.find((t) => t.value === value)?.active }))).toEqual(live.map((value) => ({ value: value.slice(0, 6), active: false })));
    await expectAccessible(page, 'account: no connected account');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('back from a connect flow that failed, the account page says why in plain words and drops the query; a crafted reason is never shown', async () => {
    // Prepare
    const account = await verifiedAccount(send, 'browser-connect-error');
    const { page, problems } = await newPage();
    await page.goto(`${PUBLIC}/account/security`);
    await signInOnPage(page, account);
    // Act: the callback's error redirect, in the same tab
    await page.goto(`${PUBLIC}/account/security?status=error&reason=access_denied`);
    // Assess
    await page.getByText(CONNECT_FAILURE_MESSAGES.access_denied).waitFor();
    await page.getByRole('heading', { name: `Signed in as ${account.email}` }).waitFor();
    expect(page.url()).toBe(`${PUBLIC}/account/security`);
    await expect(page.evaluate('document.activeElement && document.activeElement.id')).resolves.toBe('account-status');
    await expect(page.locator('#account-status').getAttribute('data-tone')).resolves.toBe('bad');
    await expectAccessible(page, 'account: a failed connect announced');
    // Act: a reload does not announce it again
    await page.reload();
    await page.getByRole('heading', { name: `Signed in as ${account.email}` }).waitFor();
    await page.getByText('No social account is connected.').waitFor();
    await expect(page.locator('#account-status').textContent()).resolves.toBe('');
    // Act: a link someone crafted, with words of their own as the reason
    await page.goto(`${PUBLIC}/account/security?status=error&reason=${encodeURIComponent('<img src=x onerror=alert(1)> Call +1 555 0100 to restore your account')}`);
    // Assess: the general sentence, nothing of theirs
    await page.getByText(CONNECT_FAILURE_FALLBACK).waitFor();
    await expect(page.locator('main').textContent()).resolves.not.toContain('Call +1');
    await expect(page.locator('main img').count()).resolves.toBe(0);
    expect(page.url()).toBe(`${PUBLIC}/account/security`);
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
