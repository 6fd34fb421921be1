import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type CDPSession, type Page } from 'playwright-core';
import { ROOT, TEST_STAGE_DIR } from './paths';

/**
 * Debian's Chromium driven by playwright-core (Playwright's own browser download is not reachable
 * from here; .ci/run installs the `chromium` package). One browser per test file, a fresh profile
 * each time, nothing from the network but the local stage.
 */
export const CHROMIUM = process.env.HELPSHELF_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = path.join(TEST_STAGE_DIR, 'screenshots');

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function openBrowser(): Promise<Browser> {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'helpshelf-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    viewport: { width: 1100, height: 900 },
    // A loaded 2-core machine: wait long for conditions, never sleep.
    timeout: 60_000,
  });
  context.setDefaultTimeout(30_000);
  context.setDefaultNavigationTimeout(45_000);
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Everything the page complains about: console errors, uncaught exceptions, and Content Security
 * Policy violations (also caught by a listener installed before any page script, for pages that
 * run script). A test asserts the list is empty.
 */
export async function watch(page: Page): Promise<{ problems: string[] }> {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('crash', () => problems.push('page crashed'));
  await page.exposeFunction('__helpshelfCspViolation', (text: string) => problems.push(`CSP violation: ${text}`));
  await page.addInitScript({
    content: `document.addEventListener('securitypolicyviolation', (e) => window.__helpshelfCspViolation(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline')));`,
  });
  return { problems };
}

/** Turns script execution off for this page (what a visitor with JavaScript disabled gets). */
const scriptless = new WeakMap<Page, CDPSession>();

export async function disableJavaScript(context: BrowserContext, page: Page): Promise<void> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setScriptExecutionDisabled', { value: true });
  scriptless.set(page, cdp);
}

const AXE_SOURCE = readFileSync(path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/**
 * axe-core's serious and critical violations on the page as it is now. The library is evaluated
 * through the DevTools protocol, which the page's CSP does not govern, so checking needs no
 * weakening of the policy under test.
 */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  // axe-core runs on timers, which do not fire while script execution is off: turn it on for the
  // check only. The page's own scripts, skipped at load, stay skipped.
  const cdp = scriptless.get(page);
  if (cdp) await cdp.send('Emulation.setScriptExecutionDisabled', { value: false });
  try {
    return await runAxe(page);
  } finally {
    if (cdp) await cdp.send('Emulation.setScriptExecutionDisabled', { value: true });
  }
}

async function runAxe(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => JSON.stringify(n.target)),
  })))`)) as AxeViolation[];
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
