import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { CDPSession, Page } from 'playwright-core';
import { totpCodeAt } from '../../lib/identity/mfa/totp';
import { timeStep } from '../../lib/identity/mfa/totp-rule';
import { uniqueIp } from '../cases/incidents.cases';
import { screenshot, watch } from '../support/browser';
import { browserPerFile, signInOnPage, verifiedAccount as verifiedAccountVia, withoutExpected401s, type BrowserAccount } from '../support/browser-account';
import { viaHttp } from '../support/http';
import { registerSecret } from '../support/secrets-registry';

/**
 * Passkeys and the authenticator app on /account/security, in Chromium with its virtual
 * authenticator (DevTools protocol: WebAuthn.enable, WebAuthn.addVirtualAuthenticator with ctap2,
 * internal transport, resident keys, user verification), against the running local stage on
 * http://localhost:<PORT> (the relying party is `localhost`).
 */
const BASE = process.env.E2E_BASE_URL!;
const PUBLIC = process.env.E2E_PUBLIC_URL!;
const send = viaHttp(BASE);
const browser = browserPerFile();
jest.setTimeout(240_000);

/** A verified account and its user id (a passkey's user handle). */
async function verifiedAccount(): Promise<BrowserAccount & { userId: string }> {
  const account = await verifiedAccountVia(send, 'passkey');
  const session = await send({ method: 'POST', path: '/v1/sessions', body: { email: account.email, password: account.password }, sourceIp: uniqueIp() });
  const me = await send({ method: 'GET', path: '/v1/me', headers: { Authorization: `Bearer ${session.json.token}` } });
  return { ...account, userId: me.json.id as string };
}

async function addAuthenticator(cdp: CDPSession): Promise<string> {
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  return authenticatorId;
}

async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
}

describe('/account/security in Chromium with a virtual authenticator', () => {
  it("adds a passkey, signs out, signs in with it (no email typed), a second authenticator's passkey for the same account is refused, and removes it", async () => {
    // Prepare
    const account = await verifiedAccount();
    const page = await browser().context.newPage();
    const { problems } = await watch(page);
    const cdp = await browser().context.newCDPSession(page);
    await cdp.send('WebAuthn.enable', { enableUI: false });
    const first = await addAuthenticator(cdp);
    await page.goto(`${PUBLIC}/account/security`);
    await signInOnPage(page, account);

    // Act: add a passkey named "Laptop"
    await page.getByLabel('Device').fill('Laptop');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.locator('#passkeys tr', { hasText: 'Laptop' }).waitFor();
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId: first });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]).toMatchObject({ isResidentCredential: true, rpId: 'localhost' });
    await page.locator('#security-events li', { hasText: 'Passkey added' }).waitFor();

    // Sign out, then sign in with the passkey alone
    await signOut(page);
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    await page.getByRole('heading', { name: `Signed in as ${account.email}` }).waitFor();
    await screenshot(page, 'account-passkeys');

    // A second authenticator holding a passkey for the same account (same user handle, never registered) is refused
    await signOut(page);
    await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId: first });
    const second = await addAuthenticator(cdp);
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await cdp.send('WebAuthn.addCredential', {
      authenticatorId: second,
      credential: {
        credentialId: randomBytes(16).toString('base64'),
        isResidentCredential: true,
        rpId: 'localhost',
        privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
        userHandle: Buffer.from(account.userId, 'utf8').toString('base64'),
        signCount: 0,
      },
    });
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    await page.getByText('That passkey could not sign you in.').waitFor();
    expect(await page.getByRole('heading', { name: 'Sign in' }).isVisible()).toBe(true);

    // Remove the passkey (a fresh password sign-in is a recent sign-in)
    await signInOnPage(page, account);
    await page.getByRole('button', { name: 'Remove the passkey Laptop' }).click();
    await page.getByText('No passkey yet.').waitFor();
    await page.locator('#security-events li', { hasText: 'Passkey removed' }).waitFor();
    expect(withoutExpected401s(problems)).toEqual([]);
    await page.close();
  });

  it('sets up the authenticator app from its QR code page (secret as text), shows the recovery codes once, and then signing in asks for a code', async () => {
    const account = await verifiedAccount();
    const page = await browser().context.newPage();
    const { problems } = await watch(page);
    await page.goto(`${PUBLIC}/account/security`);
    await signInOnPage(page, account);

    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    await page.locator('#totp-qr svg').waitFor();
    const secret = (await page.locator('#totp-secret').textContent())!.trim();
    registerSecret(secret, 'authenticator secret');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const step = timeStep(Date.now());
    await page.getByLabel('The 6-digit code it shows').fill(totpCodeAt(secret, step));
    await page.getByRole('button', { name: 'Turn it on' }).click();
    await page.locator('#recovery-codes li').nth(9).waitFor();
    expect(await page.locator('#recovery-codes li').count()).toBe(10);
    await screenshot(page, 'account-authenticator-app');
    await page.getByRole('button', { name: 'I have saved them' }).click();
    await page.getByText('On: signing in with your password also needs a code.', { exact: false }).waitFor();

    await signOut(page);
    // The code of the next step: the one just used is spent.
    await signInOnPage(page, account, totpCodeAt(secret, step + 1));
    expect(withoutExpected401s(problems)).toEqual([]);
    await page.close();
  });
});
