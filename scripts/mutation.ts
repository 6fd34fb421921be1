/**
 * `npm run mutation`: Stryker (jest runner, unit project) on the security-critical pure modules
 * named in stryker.config.mjs, then each module's score against its own thresholds.
 *
 * Incremental by default: Stryker reuses the results in test/mutation/stryker-incremental.json
 * (committed) for every mutant whose code and covering tests did not change, so a run after a
 * small change takes seconds to minutes. `--full` re-runs every mutant. Reports: HTML and JSON
 * under reports/mutation/, the table in reports/mutation/summary.md.
 *
 * Exit codes: 0 every module at or above its break threshold; 1 a module below it (or not run);
 * 2 Stryker itself failed.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { scoreModules, scoreTable, type ModuleThreshold, type MutationReport } from './lib/mutation-score';

const ROOT = path.resolve(__dirname, '..');
const REPORT_DIR = path.join(ROOT, 'reports', 'mutation');

async function main(): Promise<number> {
  const full = process.argv.includes('--full');
  const config = (await import(pathToFileURL(path.join(ROOT, 'stryker.config.mjs')).href)) as { moduleThresholds: Record<string, ModuleThreshold> };
  const stryker = path.join(ROOT, 'node_modules', '.bin', 'stryker');
  const args = ['run', '--incremental', ...(full ? ['--force'] : [])];
  process.stderr.write(`mutation: stryker ${args.join(' ')} (${Object.keys(config.moduleThresholds).length} modules)\n`);
  const run = spawnSync(stryker, args, { cwd: ROOT, stdio: 'inherit' });
  if (run.status !== 0) {
    process.stderr.write(`mutation: Stryker failed (exit ${run.status ?? run.signal}).\n`);
    return 2;
  }
  const report = JSON.parse(readFileSync(path.join(REPORT_DIR, 'mutation.json'), 'utf8')) as MutationReport;
  const scores = scoreModules(report, config.moduleThresholds, ROOT);
  const table = scoreTable(scores, config.moduleThresholds);
  mkdirSync(REPORT_DIR, { recursive: true });
  writeFileSync(path.join(REPORT_DIR, 'summary.md'), `${table}\n`);
  process.stdout.write(`\n${table}\n\n`);
  const failing = scores.filter((s) => s.verdict === 'break' || s.verdict === 'missing');
  for (const s of failing) process.stderr.write(`mutation: ${s.module} ${s.score === null ? 'was not mutated' : `scores ${s.score}%, below its break threshold`}\n`);
  return failing.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`mutation: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
