// The "secrets never leak" check. It runs in jest's main process after every test of the run
// (reporters' onRunComplete comes after the last test file), scans every line the suite wrote to
// .test-stage/logs (worker output captured by capture-logs.ts, the e2e stage's server log) for
// every secret used in the run, and fails the run when one is found: it counts as one failed
// test in the closing line and makes jest exit non-zero. Registered secrets: secrets-registry.ts.
const { mkdirSync, renameSync, readdirSync, rmSync, statSync } = require('node:fs');
const path = require('node:path');
const { collectSecrets, scanForLeaks } = require('./leak-scan');

const ROOT = path.resolve(__dirname, '..', '..');
const STAGE = path.join(ROOT, '.test-stage');
const LOG_DIR = path.join(STAGE, 'logs');

class LeakReporter {
  constructor() {
    // Jest's main process started this run: registry lines older than that belong to earlier runs.
    // Workers are started later and inherit the variable, so every reader agrees on "this run".
    this.since = Date.now() - process.uptime() * 1000 - 1000;
    process.env.HELPSHELF_TEST_RUN_STARTED = String(this.since);
    this.error = undefined;
  }

  onRunComplete(_contexts, results) {
    const secrets = collectSecrets({
      registryFile: path.join(STAGE, 'secrets-registry.jsonl'),
      since: this.since,
      fixturesFile: path.join(ROOT, 'test/fixtures/stripe/fixtures3.json'),
    });
    const report = scanForLeaks(LOG_DIR, secrets);
    if (report.leaks.length) {
      const where = report.leaks.slice(0, 20).map((l) => `  ${path.relative(ROOT, l.file)}:${l.line} contains ${l.label}`);
      process.stderr.write(`\nleak check: FAILED — ${report.leaks.length} log line(s) contain a secret used in the tests:\n${where.join('\n')}\n`);
      this.error = new Error('A secret used in the tests reached a log line');
      results.numFailedTests += 1;
      results.numTotalTests += 1;
      results.success = false;
    } else {
      process.stderr.write(`\nleak check: ${report.secrets} secrets, ${report.files} log files, 0 leaks\n`);
      results.numPassedTests += 1;
      results.numTotalTests += 1;
    }
    this.rotate();
  }

  /** Moves this run's logs to logs/previous, so the next run scans only its own lines. */
  rotate() {
    const previous = path.join(LOG_DIR, 'previous');
    try {
      rmSync(previous, { recursive: true, force: true });
      mkdirSync(previous, { recursive: true });
      for (const name of readdirSync(LOG_DIR)) {
        const file = path.join(LOG_DIR, name);
        if (statSync(file).isFile()) renameSync(file, path.join(previous, name));
      }
    } catch {
      // rotation is a convenience; the scan above already ran
    }
  }

  getLastError() {
    return this.error;
  }
}

module.exports = LeakReporter;
