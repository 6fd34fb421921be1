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

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function allWarmScenarios(files: readonly string[] = SCENARIO_FILES): WarmScenario<any>[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any
  return files.flatMap((file) => (require(file) as { WARM_SCENARIOS: WarmScenario<any>[] }).WARM_SCENARIOS);
}
