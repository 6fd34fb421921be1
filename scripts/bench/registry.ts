import type { WarmScenario } from './types';

/**
 * Where the warm scenarios come from. Each capability keeps its scenarios in its own file under
 * scripts/bench/ exporting `WARM_SCENARIOS`; registering a file is one line here.
 */
const SCENARIO_FILES = [
  './scenarios',
  // './connections',
  // './inbox',
];

/**
 * Every scenario, or those named in BENCH_ONLY_SCENARIOS (comma-separated scenario names) when a
 * run measures a few rows; a name that matches nothing is an error, not an empty run.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function allWarmScenarios(files: readonly string[] = SCENARIO_FILES, only = process.env.BENCH_ONLY_SCENARIOS): WarmScenario<any>[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any
  const all = files.flatMap((file) => (require(file) as { WARM_SCENARIOS: WarmScenario<any>[] }).WARM_SCENARIOS);
  const names = only?.split(',').map((n) => n.trim()).filter(Boolean);
  if (!names?.length) return all;
  const unknown = names.filter((n) => !all.some((s) => s.name === n));
  if (unknown.length) throw new Error(`BENCH_ONLY_SCENARIOS names no scenario: ${unknown.join(', ')}`);
  return all.filter((s) => names.includes(s.name));
}
