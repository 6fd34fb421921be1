/**
 * `npm run bench:bundles`: the bench's bundle and cold-init part alone (no emulator, no warm
 * scenarios): every function of serverless.yml bundled with `custom.esbuild`, its cold init
 * against the SDK floor, and what makes up each bundle (the largest packages, from esbuild's
 * metafile). For working on cold starts; `npm run bench` stays the measurement of record.
 *
 * Environment: BENCH_COLD_RUNS (default 15), BENCH_ONLY_FUNCTIONS=a,b, BENCH_BUNDLE_TOP (packages
 * listed per function, default 4; 0 for none), BENCH_BUNDLES_JSON=file (write the rows as JSON).
 * Builds in a temporary directory that is removed at the end, also on failure.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleFunction, coldInit, type EsbuildCustom } from './bench/bundles';
import { FUNCTION_CONSOLE_HEADER, FUNCTION_CONSOLE_LEGEND, FUNCTION_CONSOLE_WIDTHS, functionConsoleRow, NOT_MET_HEADER, NOT_MET_WIDTHS, notMetRows, ProgressTable, type FunctionResult } from './bench/report';
import { round } from './bench/stats';
import { emulatorEnvironment } from './lib/emulator';
import { tempDir } from './lib/temp-dir';
import { functionEnvironment, loadStageConfig, PROJECT_ROOT } from './lib/stage-config';

const say = (line: string) => process.stdout.write(`${line}\n`);
const RUNS = Number(process.env.BENCH_COLD_RUNS ?? 15);
const TOP = Number(process.env.BENCH_BUNDLE_TOP ?? 4);

async function main(): Promise<number> {
  const config = await loadStageConfig('local');
  const runtime = (config.provider as { runtime?: string }).runtime;
  const wanted = /^nodejs(\d+)\.x$/.exec(runtime ?? '')?.[1];
  if (wanted && process.versions.node.split('.')[0] !== wanted && process.env.BENCH_ALLOW_ANY_NODE !== '1') {
    throw new Error(`Node ${process.version} is not Lambda's ${runtime}: run it with npm run bench:bundles (or set BENCH_ALLOW_ANY_NODE=1)`);
  }
  const custom = ((config as unknown as { custom?: { esbuild?: EsbuildCustom } }).custom?.esbuild ?? {}) as EsbuildCustom;
  const only = process.env.BENCH_ONLY_FUNCTIONS?.split(',').filter(Boolean);
  const keys = Object.keys(config.functions).filter((k) => !only || only.includes(k));
  say(`Node ${process.version}; ${keys.length} functions, ${RUNS} fresh processes each (function and its IAM floor alternated), one row per function as it is measured.`);
  say(FUNCTION_CONSOLE_LEGEND);
  // Cold init only reads the environment: no emulator needs to listen on this endpoint.
  // The build directory is outside the project: native externals (@node-rs/argon2) resolve from its node_modules.
  const endpointEnv = { ...emulatorEnvironment('http://127.0.0.1:9'), NODE_PATH: path.join(PROJECT_ROOT, 'node_modules') };
  const build = tempDir('helpshelf-bench-bundles-');
  const buildDir = build.path;
  const rows: Array<FunctionResult & { packages?: Array<{ name: string; bytes: number }> }> = [];
  try {
    const table = new ProgressTable([`#`, ...FUNCTION_CONSOLE_HEADER, 'largest packages (minified bytes)'], [5, ...FUNCTION_CONSOLE_WIDTHS, 60]);
    for (const [index, key] of keys.entries()) {
      let row: (typeof rows)[number];
      try {
        const info = await bundleFunction(key, config.functions[key], custom, buildDir);
        const cold = await coldInit(info, { ...functionEnvironment(config, key), ...endpointEnv }, RUNS);
        const { file: _f, baselineFile: _b, functionKey: _k, ...bundle } = info;
        row = { functionKey: key, bundle, packages: info.packages, coldInit: { ...cold, medianMs: round(cold.medianMs, 3)!, baselineMedianMs: round(cold.baselineMedianMs, 3)!, ratio: round(cold.ratio, 3) } };
      } catch (error) {
        row = { functionKey: key, bundle: null, coldInit: null, error: (error as Error).message.split('\n')[0] };
      }
      rows.push(row);
      const top = (row.packages ?? []).slice(0, TOP).map((p) => `${p.name} ${(p.bytes / 1024).toFixed(0)}K`).join(', ');
      table.row([`${index + 1}/${keys.length}`, ...functionConsoleRow(row), top || '—']);
    }
  } finally {
    build.remove();
  }
  if (process.env.BENCH_BUNDLES_JSON) writeFileSync(process.env.BENCH_BUNDLES_JSON, `${JSON.stringify(rows, null, 2)}\n`);
  const notMet = notMetRows({ functions: rows, warm: [] });
  if (notMet.length) {
    say(`\nNot met (${notMet.length}):`);
    const closing = new ProgressTable(NOT_MET_HEADER, NOT_MET_WIDTHS);
    for (const r of notMet) closing.row(r);
  } else say('\nEvery function within the cold-init target, and none loads a client its role does not allow.');
  return rows.some((r) => r.error) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench:bundles failed: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
