import { randomUUID } from 'node:crypto';
import type { Page, Request } from 'playwright-core';
import { uniqueIp } from '../cases/incidents.cases';
import { openBrowser, screenshot, seriousAxeViolations, watch, type Browser } from '../support/browser';
import { bearer } from '../support/connections';
import { viaHttp } from '../support/http';
import { mailTo } from '../support/mail';
import { registerSecret } from '../support/secrets-registry';

/**
 * The account journey as a new person walks it (issue 22), in Debian's Chromium, on the stage's
 * public URL (http://localhost:PORT, a free port, never 3000), through the real mails: sign up,
 * open the verification link, verify with the password, sign in, change the password, see two
 * sessions and sign one out, forget the password, reset it from the mail, and the old sessions are
 * gone. Every page is checked with axe-core and at 320 px; any console error or CSP violation fails.
 */
const BASE = process.env.E2E_BASE_URL!;
const PUBLIC = process.env.E2E_PUBLIC_URL!;
const send = viaHttp(BASE);
let browser: Browser;
jest.setTimeout(240_000);

beforeAll(async () => {
  browser = await openBrowser();
  // serverless-offline loads each function on its first request (slow on a loaded machine): load the pages first.
  for (const path of ['/account/signup', '/account/verify-email', '/account/reset-password', '/account/security', '/v1/health']) await send({ method: 'GET', path });
}, 180_000);

afterAll(async () => {
  await browser?.close();
});

async function newPage(): Promise<{ page: Page; problems: string[]; requested: string[] }> {
  const page = await browser.context.newPage();
  const { problems } = await watch(page);
  // Every URL the tab asks for (navigations, scripts, API calls): a mailed token must be in none.
  const requested: string[] = [];
  page.on('request', (r: Request) => requested.push(r.url()));
  return { page, problems, requested };
}

async function expectAccessible(page: Page, where: string): Promise<void> {
  expect({ where, violations: await seriousAxeViolations(page) }).toEqual({ where, violations: [] });
}

/** The page at 320 px wide: nothing wider than the screen (no sideways scrolling), then back. */
async function expectFitsNarrowScreen(page: Page, where: string): Promise<void> {
  const before = page.viewportSize()!;
  await page.setViewportSize({ width: 320, height: 800 });
  const widest = await page.evaluate('document.documentElement.scrollWidth');
  await screenshot(page, `${where}-320px`);
  await page.setViewportSize(before);
  expect({ where, widest }).toEqual({ where, widest: 320 });
}

/** The link to `path` in the newest mail to `email` that has one, checked to be on this stage's own origin with the token in the fragment only. */
async function linkFromMail(email: string, path: string): Promise<{ link: string; token: string }> {
  const mails = await mailTo(email, process.env.E2E_EMULATOR_ENDPOINT);
  const links = mails
    .reverse()
    .map((m) => [...m.body.matchAll(/https?:\/\/\S+/g)].map((match) => new URL(match[0])).filter((u) => u.hash.startsWith('#token=')))
    .find((found) => found.length > 0);
  expect(links).toHaveLength(1);
  const url = links![0];
  expect({ origin: url.origin, path: url.pathname, query: url.search }).toEqual({ origin: PUBLIC, path, query: '' });
  const token = new URLSearchParams(url.hash.slice(1)).get('token')!;
  registerSecret(token, 'mailed token (browser journey)');
  return { link: url.href, token };
}

/** Waits until the element `selector` says `text` (the script fills it after the API answered). */
async function says(page: Page, selector: string, text: string): Promise<void> {
  await page.locator(selector, { hasText: text }).waitFor();
}

async function focusedId(page: Page): Promise<string> {
  return (await page.evaluate('document.activeElement && document.activeElement.id')) as string;
}

async function sessionToken(page: Page): Promise<string> {
  const token = (await page.evaluate('sessionStorage.getItem("helpshelf.session")')) as string;
  registerSecret(token, 'browser session token');
  return token;
}

async function signIn(page: Page, email: string, password: string): Promise<string> {
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: `Signed in as ${email}` }).waitFor();
  return sessionToken(page);
}

describe('the account journey in Chromium, from the mails', () => {
  it('sign up, verify from the link, sign in, change the password, sign out another session, forget the password and reset it from the mail', async () => {
    expect(new URL(PUBLIC).port).not.toBe('3000');
    const email = `journey-${randomUUID()}@example.test`;
    const first = `violet harbor ${randomUUID()}`;
    const second = `amber meadow ${randomUUID()}`;
    const third = `copper lantern ${randomUUID()}`;
    for (const secret of [first, second, third]) registerSecret(secret, 'browser journey password');
    const { page, problems, requested } = await newPage();

    // Sign up: the policy is shown before submitting; a refusal lands on the field it concerns
    await page.goto(`${PUBLIC}/account/signup`);
    await page.getByRole('heading', { name: 'Your details' }).waitFor();
    await expect(page.locator('#signup-password-hint').textContent()).resolves.toContain('At least 8 characters');
    await expectAccessible(page, 'signup');
    await expectFitsNarrowScreen(page, 'signup');
    await screenshot(page, 'journey-1-signup');
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('Name (optional)').fill('Ada Lovelace');
    await page.getByLabel('Password', { exact: true }).fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();
    await says(page, '#signup-password-error', 'at least 8 characters');
    await expect(page.getByLabel('Password', { exact: true }).getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(focusedId(page)).resolves.toBe('signup-error');
    await expectAccessible(page, 'signup: a refused password');
    await screenshot(page, 'journey-2-signup-refused');
    await page.getByLabel('Password', { exact: true }).fill(first);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Check your mail' }).waitFor();
    await expect(focusedId(page)).resolves.toBe('signup-done-title');
    await expectAccessible(page, 'signup: check your mail');

    // The verification mail's link: this stage's origin, the token in the fragment only
    const verification = await linkFromMail(email, '/account/verify-email');
    await page.goto(verification.link);
    await page.getByRole('heading', { name: 'Enter the password you chose' }).waitFor();
    // The token left the address bar (a bookmark, the history or a Referer never carries it)
    expect(page.url()).toBe(`${PUBLIC}/account/verify-email`);
    await expectAccessible(page, 'verify-email');
    await expectFitsNarrowScreen(page, 'verify-email');
    await screenshot(page, 'journey-3-verify');
    await page.getByLabel('Password', { exact: true }).fill(first);
    const [verified] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/v1/signup/verify')), page.getByRole('button', { name: 'Confirm my address' }).click()]);
    expect(verified.status()).toBe(200);
    await page.getByRole('heading', { name: 'Your address is confirmed' }).waitFor();
    await expect(focusedId(page)).resolves.toBe('verify-done-title');
    await expectAccessible(page, 'verify-email: confirmed');
    await screenshot(page, 'journey-4-verified');

    // Sign in from there
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.waitForURL(`${PUBLIC}/account/security`);
    const session = await signIn(page, email, first);
    await page.locator('#sessions tr').first().waitFor();
    const here = page.locator('#sessions tr[data-current="true"]');
    await expect(here.textContent()).resolves.toMatch(/^Chrome on Linux this session/);
    await expect(here.locator('td').first().textContent()).resolves.toMatch(/^(127\.0\.0\.1|::1|::ffff:127\.0\.0\.1)$/);

    // Change the password: a wrong current one is refused on its field, then the right one goes through
    await page.getByLabel('Current password').fill('not my password at all');
    await page.getByLabel('New password', { exact: true }).fill(second);
    await page.getByLabel('New password again').fill(second);
    await page.getByRole('button', { name: 'Change password' }).click();
    await says(page, '#current-password-error', 'Your current password is not right.');
    await expect(focusedId(page)).resolves.toBe('password-error');
    await page.getByLabel('Current password').fill(first);
    await page.getByLabel('New password', { exact: true }).fill(second);
    await page.getByLabel('New password again').fill(second);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Your password is changed.', { exact: false }).waitFor();
    expect((await send({ method: 'GET', path: '/v1/me', headers: bearer(session) })).status).toBe(200);
    expect((await send({ method: 'POST', path: '/v1/sessions', body: { email, password: first }, sourceIp: uniqueIp() })).status).toBe(401);

    // A second session (another program, another address): listed with where and when; sign it out
    const elsewhere = await send({ method: 'POST', path: '/v1/sessions', body: { email, password: second }, sourceIp: uniqueIp(), headers: { 'User-Agent': 'curl/8.11.1' } });
    expect(elsewhere.status).toBe(201);
    await page.reload();
    await page.getByRole('heading', { name: `Signed in as ${email}` }).waitFor();
    await page.locator('#sessions tr').nth(1).waitFor();
    await expect(page.locator('#sessions tr').count()).resolves.toBe(2);
    const other = page.locator(`#sessions tr[data-token-id="${elsewhere.json.tokenId}"]`);
    await expect(other.locator('th').textContent()).resolves.toBe('curl');
    await expect(other.locator('time').count()).resolves.toBe(1); // signed in; not used since
    await expectAccessible(page, 'account: two sessions');
    await screenshot(page, 'journey-5-sessions');
    await expectFitsNarrowScreen(page, 'account-security');
    await other.getByRole('button', { name: /^Sign out curl, signed in / }).click();
    await page.getByText('Signed out curl. That session no longer works.').waitFor();
    await expect(page.locator('#sessions tr').count()).resolves.toBe(1);
    await expect(focusedId(page)).resolves.toBe('sessions-title');
    expect((await send({ method: 'GET', path: '/v1/me', headers: bearer(elsewhere.json.token) })).status).toBe(401);
    expect((await send({ method: 'GET', path: '/v1/me', headers: bearer(session) })).status).toBe(200);

    // Forgot the password: from the sign-in form of a new tab (its own sessionStorage)
    const { page: tab, problems: tabProblems, requested: tabRequested } = await newPage();
    await tab.goto(`${PUBLIC}/account/security`);
    await tab.getByRole('link', { name: 'Forgot your password?' }).click();
    await tab.getByRole('heading', { name: 'Get a reset link' }).waitFor();
    await expectAccessible(tab, 'reset-password: ask for the link');
    await expectFitsNarrowScreen(tab, 'reset-password');
    await tab.getByLabel('Email', { exact: true }).fill(email);
    await tab.getByRole('button', { name: 'Send the link' }).click();
    await tab.getByRole('heading', { name: 'Check your mail' }).waitFor();
    await expect(focusedId(tab)).resolves.toBe('reset-sent-title');
    const reset = await linkFromMail(email, '/account/reset-password');
    await tab.goto('about:blank');
    await tab.goto(reset.link);
    await tab.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    expect(tab.url()).toBe(`${PUBLIC}/account/reset-password`);
    await tab.getByLabel('New password', { exact: true }).fill(third);
    await tab.getByLabel('New password again').fill(`${third}!`);
    await tab.getByRole('button', { name: 'Set the new password' }).click();
    await says(tab, '#reset-password-again-error', 'The two passwords are not the same.');
    await expectAccessible(tab, 'reset-password: passwords differ');
    await screenshot(tab, 'journey-6-reset');
    await tab.getByLabel('New password again').fill(third);
    await tab.getByRole('button', { name: 'Set the new password' }).click();
    await tab.getByRole('heading', { name: 'Your password is set' }).waitFor();
    await expect(tab.locator('#reset-done').textContent()).resolves.toContain('Every session and access token of the account was signed out.');
    await expectAccessible(tab, 'reset-password: done');
    await screenshot(tab, 'journey-7-reset-done');

    // The old sessions are gone: the API refuses the first tab's token, and that tab is back at sign-in
    expect((await send({ method: 'GET', path: '/v1/me', headers: bearer(session) })).status).toBe(401);
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByText('Your session has ended. Sign in again.').waitFor();
    // The new password signs in; the old ones do not
    await tab.getByRole('link', { name: 'Sign in' }).click();
    const fresh = await signIn(tab, email, third);
    expect((await send({ method: 'GET', path: '/v1/me', headers: bearer(fresh) })).status).toBe(200);
    expect((await send({ method: 'POST', path: '/v1/sessions', body: { email, password: second }, sourceIp: uniqueIp() })).status).toBe(401);

    // No mailed token was ever part of a URL the browser asked for
    for (const url of [...requested, ...tabRequested]) {
      expect(url).not.toContain(verification.token);
      expect(url).not.toContain(reset.token);
    }
    // The refused password and the wrong current one are 400 and 401 on purpose, which Chromium reports; nothing else
    expect(problems.filter((p) => !/status of (400|401)/.test(p))).toEqual([]);
    expect(tabProblems).toEqual([]);
    await page.close();
    await tab.close();
  });

  it('a used verification link or a mistyped password is said plainly; a page opened without its link says where to get one', async () => {
    const email = `journey-bad-link-${randomUUID()}@example.test`;
    const password = `quiet orchard ${randomUUID()}`;
    registerSecret(password, 'browser journey password');
    expect((await send({ method: 'POST', path: '/v1/signup', body: { email, password }, sourceIp: uniqueIp() })).status).toBe(202);
    const { link } = await linkFromMail(email, '/account/verify-email');
    const { page, problems } = await newPage();
    // Without a token
    await page.goto(`${PUBLIC}/account/verify-email`);
    await page.getByRole('heading', { name: 'Open the link from the mail' }).waitFor();
    await expectAccessible(page, 'verify-email without a link');
    await page.goto(`${PUBLIC}/account/reset-password#token=not-a-real-token-at-all`);
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    expect(page.url()).toBe(`${PUBLIC}/account/reset-password`);
    await page.getByLabel('New password', { exact: true }).fill(password);
    await page.getByLabel('New password again').fill(password);
    await page.getByRole('button', { name: 'Set the new password' }).click();
    // A link that does not work: back to asking for a new one, said on the email field
    await page.getByRole('heading', { name: 'Get a reset link' }).waitFor();
    await says(page, '#reset-request-error', 'That reset link does not work any more');
    await expect(focusedId(page)).resolves.toBe('reset-request-error');
    // The verification link, used once, then again
    await page.goto(link);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Confirm my address' }).click();
    await page.getByRole('heading', { name: 'Your address is confirmed' }).waitFor();
    // The same link again, as a fresh load (from the same address only its fragment would change)
    await page.goto('about:blank');
    await page.goto(link);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Confirm my address' }).click();
    await says(page, '#verify-password-error', 'the link was used or has expired');
    await expect(focusedId(page)).resolves.toBe('verify-error');
    await expectAccessible(page, 'verify-email: a used link');
    expect(problems.filter((p) => !/status of 400/.test(p))).toEqual([]);
    await page.close();
  });
});
