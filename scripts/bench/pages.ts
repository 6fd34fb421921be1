/**
 * `npx tsx scripts/bench/pages.ts [runs]`: what the pages weigh and how fast they paint, in
 * Debian's Chromium against a local stage started for the purpose (free ports, stopped after).
 * For each page: the bytes transferred on a first visit (empty cache) and on a repeat visit
 * (hashed assets from the cache), and the median first contentful paint of both over `runs`
 * visits (default 5). Local numbers: no network latency, a loaded machine; compare pages with one
 * another and runs with one another, not with the internet.
 */
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { freePort } from '../lib/emulator';
import { startLocalStage } from '../lib/local-stage';
import { tempDir } from '../lib/temp-dir';

const PAGES = ['/security', '/security/report', '/security/report/status', '/security/advisories', '/account/security', '/account/signup', '/account/verify-email', '/account/reset-password'];
const RUNS = Number(process.argv[2] ?? 5);
const CHROMIUM = process.env.HELPSHELF_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];

interface Visit {
  transferred: number;
  decoded: number;
  requests: number;
  fcp: number;
}

// Evaluated through DevTools (the pages' CSP does not govern it): Navigation + Resource Timing and the paint entry.
const MEASURE = `(() => {
  const entries = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  return {
    transferred: entries.reduce((s, e) => s + e.transferSize, 0),
    decoded: entries.reduce((s, e) => s + e.decodedBodySize, 0),
    requests: entries.length,
    fcp: fcp ? fcp.startTime : -1,
  };
})()`;

async function visit(context: BrowserContext, url: string): Promise<Visit> {
  const page = await context.newPage();
  await page.goto(url, { waitUntil: 'load' });
  let result = (await page.evaluate(MEASURE)) as Visit;
  // The paint entry can lag the load event by a frame or two.
  for (let i = 0; i < 20 && result.fcp < 0; i += 1) {
    await page.waitForTimeout(50);
    result = (await page.evaluate(MEASURE)) as Visit;
  }
  await page.close();
  return result;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

async function main(): Promise<void> {
  const [port, lambdaPort, emulatorPort] = [await freePort(), await freePort(), await freePort()];
  const stage = await startLocalStage({ port, lambdaPort, emulatorPort, stateFile: path.join(os.tmpdir(), `helpshelf-pages-bench-${port}.json`), buildDir: '.esbuild-pages-bench', log: () => undefined });
  const base = `http://127.0.0.1:${port}`;
  const rows: string[] = [];
  try {
    // Load every function once: serverless-offline's first request per function is a cold build.
    for (const p of PAGES) await fetch(`${base}${p}`);
    for (const p of PAGES) {
      const first: Visit[] = [];
      const repeat: Visit[] = [];
      for (let run = 0; run < RUNS; run += 1) {
        const profile = tempDir('helpshelf-bench-chromium-');
        const context = await chromium.launchPersistentContext(profile.path, { executablePath: CHROMIUM, headless: true, args: ARGS });
        try {
          first.push(await visit(context, `${base}${p}`));
          repeat.push(await visit(context, `${base}${p}`));
        } finally {
          await context.close();
          profile.remove();
        }
      }
      rows.push(
        `| \`${p}\` | ${first[0].requests} | ${kib(median(first.map((v) => v.transferred)))} (${kib(median(first.map((v) => v.decoded)))} decoded) | ${kib(median(repeat.map((v) => v.transferred)))} | ${median(first.map((v) => v.fcp)).toFixed(0)} ms | ${median(repeat.map((v) => v.fcp)).toFixed(0)} ms |`,
      );
    }
  } finally {
    await stage.stop();
    rmSync(path.join(__dirname, '..', '..', '.esbuild-pages-bench'), { recursive: true, force: true });
  }
  console.log(`Pages in Chromium (${CHROMIUM}), local stage, median of ${RUNS} fresh profiles, ${new Date().toISOString()}\n`);
  console.log('| page | requests | first visit, transferred | repeat visit, transferred | first contentful paint (first) | (repeat) |');
  console.log('|---|---|---|---|---|---|');
  for (const row of rows) console.log(row);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
