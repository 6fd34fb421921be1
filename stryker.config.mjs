// Mutation testing of the security core: `npm run mutation` (scripts/mutation.ts runs Stryker, then
// checks each module's score against the thresholds below). The unit project only: every mutant
// runs the unit tests that cover it (coverage analysis per test).
/** Per-module thresholds: `break` fails the run, `goal` is where we want every module to be. */
export const moduleThresholds = {
  'lib/platform/redaction.ts': { break: 80, goal: 90 },
  'lib/audit/audit-log.ts': { break: 80, goal: 90 },
  'lib/identity/password-policy.ts': { break: 80, goal: 90 },
  'lib/billing/customer-state.ts': { break: 80, goal: 90 },
  'lib/identity/token-format.ts': { break: 80, goal: 90 },
  'lib/incidents/business-days.ts': { break: 80, goal: 90 },
  'lib/identity/login-throttle.ts': { break: 80, goal: 90 },
  'lib/identity/write-failures.ts': { break: 80, goal: 90 },
  'lib/inbox/classify.ts': { break: 80, goal: 90 },
  'lib/inbox/sender-binding.ts': { break: 80, goal: 90 },
  'lib/http/issues.ts': { break: 80, goal: 90 },
  'lib/connections/token-vault.ts': { break: 80, goal: 90 },
  'lib/http/caller-address.ts': { break: 80, goal: 90 },
  'lib/identity/recent-sign-in.ts': { break: 80, goal: 90 },
  'lib/identity/mfa/totp-rule.ts': { break: 80, goal: 90 },
  'lib/identity/mfa/recovery-codes.ts': { break: 80, goal: 90 },
  'lib/identity/identity-writes.ts': { break: 80, goal: 90 },
  'lib/identity/token-writes.ts': { break: 80, goal: 90 },
  'lib/data-rights/ledger.ts': { break: 80, goal: 90 },
};

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  jest: { projectType: 'custom', configFile: 'jest.unit.config.js', enableFindRelatedTests: true },
  coverageAnalysis: 'perTest',
  mutate: Object.keys(moduleThresholds),
  reporters: ['html', 'json', 'clear-text', 'progress'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  incremental: false,
  incrementalFile: 'test/mutation/stryker-incremental.json',
  thresholds: { high: 90, low: 80, break: null },
  concurrency: 2,
  timeoutMS: 10000,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  ignorePatterns: ['.test-stage', '.esbuild*', '.serverless', 'reports', 'coverage', '.build', 'web/dist'],
};
