import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { uniqueIp } from '../cases/incidents.cases';
import path from 'node:path';
import { screenshot, SCREENSHOT_DIR, seriousAxeViolations, watch } from '../support/browser';
import { browserPerFile, signInOnPage, verifiedAccount, withoutExpected401s } from '../support/browser-account';
import { viaHttp } from '../support/http';

/**
 * "Your data" on /account/security in Chromium against the running local stage: "Download my
 * data" saves the export as a file (the account's address in it, no token), and "Delete my
 * account" says what happens, refuses a wrong password where the error is, then deletes the
 * account: the page is back at sign-in and the API agrees (old token 401, login 401).
 */
const BASE = process.env.E2E_BASE_URL!;
const PUBLIC = process.env.E2E_PUBLIC_URL!;
const send = viaHttp(BASE);
const browser = browserPerFile();
jest.setTimeout(240_000);

describe('"Your data" on /account/security in Chromium', () => {
  it('downloads the export as a file, then deletes the account from the page, and the API agrees it is gone', async () => {
    // Prepare
    const account = await verifiedAccount(send, 'data-rights');
    const page = await browser().context.newPage();
    const { problems } = await watch(page);
    await page.goto(`${PUBLIC}/account/security`);
    const token = await signInOnPage(page, account);

    // Act: download my data
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download my data' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^helpshelf-export-\d{4}-\d\d-\d\d\.json$/);
    const text = readFileSync((await download.path())!, 'utf8');
    const exported = JSON.parse(text) as Record<string, unknown>;
    expect(JSON.stringify(exported.account)).toContain(account.email);
    expect(text).not.toContain(token);
    expect(text).not.toContain(account.password);
    await page.getByText('Your data is downloaded as a JSON file.').waitFor();

    // Open the delete flow: it says what happens, with a labelled password field; usable at 320 px
    await page.getByRole('button', { name: 'Delete my account', exact: true }).click();
    const facts = page.locator('#delete-facts li');
    await facts.first().waitFor();
    const said = (await facts.allTextContents()).join(' ');
    for (const fact of ['session and access token stops working', 'revoked at its provider', 'deleted at Stripe', 'cleared from every table', 'without your address', 'No backup restore brings your account back', 'sign up again']) expect(said).toContain(fact);
    await page.setViewportSize({ width: 320, height: 900 });
    // (The page's wide tables above scroll sideways at this width; this section's own parts fit.)
    for (const selector of ['#export-data', '#delete-box', '#delete-facts', '#delete-password', '#delete-form button[type="submit"]', '#delete-cancel']) {
      const box = (await page.locator(selector).boundingBox())!;
      expect({ selector, right: Math.ceil(box.x + box.width) <= 320 }).toEqual({ selector, right: true });
    }
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'account-your-data-page');
    // The section alone, for docs/data-rights.md and the README.
    await page.locator('section[aria-labelledby="data-title"]').screenshot({ path: path.join(SCREENSHOT_DIR, 'account-your-data.png') });
    await page.setViewportSize({ width: 1100, height: 900 });

    // A wrong password: announced where the error is, focused, nothing deleted, still signed in
    await page.getByLabel('Your password, to confirm', { exact: true }).fill(`wrong ${randomUUID()}`);
    await page.getByRole('button', { name: 'Delete my account for good' }).click();
    const error = page.getByRole('alert').filter({ hasText: 'That password is not right' });
    await error.waitFor();
    expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('delete-error');
    expect((await send({ method: 'GET', path: '/v1/me', headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);

    // The right password: deleted, signed out, told so
    await page.getByLabel('Your password, to confirm', { exact: true }).fill(account.password);
    await page.getByRole('button', { name: 'Delete my account for good' }).click();
    await page.getByText('Your account is deleted.').waitFor();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.evaluate('sessionStorage.getItem("helpshelf.session")')).toBeNull();

    // Assert: the API agrees
    expect((await send({ method: 'GET', path: '/v1/me', headers: { Authorization: `Bearer ${token}` } })).status).toBe(401);
    expect((await send({ method: 'POST', path: '/v1/sessions', body: { email: account.email, password: account.password }, sourceIp: uniqueIp() })).status).toBe(401);
    expect(withoutExpected401s(problems)).toEqual([]);
    await page.close();
  });
});
