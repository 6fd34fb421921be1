import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { tokenFromMail } from '../../scripts/bench/scenarios';
import { uniqueIp } from '../cases/incidents.cases';
import { openBrowser, type Browser } from './browser';
import type { Send } from './http';
import { mailTo } from './mail';
import { registerSecret } from './secrets-registry';

/**
 * What the account-page browser tests share (test/e2e/*-browser.test.ts): one Chromium per test
 * file, a verified account made through the API, signing in on the open page, and the console
 * errors a flow expects.
 */
export interface BrowserAccount {
  email: string;
  password: string;
}

/** One Chromium for the test file: opened before its tests, closed after them. */
export function browserPerFile(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await openBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => browser!;
}

/** A signed-up, verified account (through the API, the link from the real mail); its password joins the leak check. */
export async function verifiedAccount(send: Send, prefix: string): Promise<BrowserAccount> {
  const email = `${prefix}-${randomUUID()}@example.test`;
  const password = `violet harbor ${randomUUID()}`;
  registerSecret(password, 'browser test password');
  expect((await send({ method: 'POST', path: '/v1/signup', body: { email, password }, sourceIp: uniqueIp() })).status).toBe(202);
  const mail = (await mailTo(email, process.env.E2E_EMULATOR_ENDPOINT)).at(-1)!;
  expect((await send({ method: 'POST', path: '/v1/signup/verify', body: { token: tokenFromMail(mail.body), password }, sourceIp: uniqueIp() })).status).toBe(200);
  return { email, password };
}

/**
 * Signs in on the account page that is open (with `otp` when the page then asks for the
 * authenticator app's code); returns the session token the tab keeps, which joins the leak check.
 */
export async function signInOnPage(page: Page, account: BrowserAccount, otp?: string): Promise<string> {
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await page.getByLabel('Email', { exact: true }).fill(account.email);
  await page.getByLabel('Password', { exact: true }).fill(account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  if (otp !== undefined) {
    await page.getByLabel('Code from your authenticator app').waitFor();
    await page.getByLabel('Code from your authenticator app').fill(otp);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }
  await page.getByRole('heading', { name: `Signed in as ${account.email}` }).waitFor();
  const session = (await page.evaluate('sessionStorage.getItem("helpshelf.session")')) as string;
  registerSecret(session, 'browser session token');
  return session;
}

/** Chromium logs every 4xx as a console error: the 401s a flow expects (a wrong password, a refused passkey, the second-factor step) are not problems. */
export const withoutExpected401s = (problems: string[]) => problems.filter((p) => !p.includes('the server responded with a status of 401'));
