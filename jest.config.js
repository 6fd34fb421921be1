// The AWS SDK warns that it will need Node 22 from 2027; Lambda runs nodejs22.x, the dev machines Node 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

// Four layers, one `npm test`: unit (no I/O), integration (handlers in-process against the
// emulator), e2e (HTTP against a running local stage) and template (the packaged CloudFormation).
const swc = [
  '@swc/jest',
  { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
];

const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)sx?$': swc },
  // middy 7 and openid-client 6 (with oauth4webapi and its jose) ship ESM only: let the transform see them,
  // and point jest at middy's entry file.
  transformIgnorePatterns: ['/node_modules/(?!(@middy|openid-client|oauth4webapi|jose|cookie|@otplib|otplib|@noble|@scure)/)'],
  moduleNameMapper: { '^@middy/([^/]+)$': '<rootDir>/node_modules/@middy/$1/index.js' },
  setupFilesAfterEnv: ['<rootDir>/test/support/capture-logs.ts'],
};

module.exports = {
  testTimeout: 30_000,
  // The leak check runs after every test (see test/support/leak-reporter.js) and before the closing line.
  reporters: ['default', '<rootDir>/test/support/leak-reporter.js', '<rootDir>/test/support/summary-reporter.js'],
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/integration-setup.ts',
      globalTeardown: '<rootDir>/test/support/integration-teardown.ts',
      setupFiles: ['<rootDir>/test/support/integration-env.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/e2e-setup.ts',
      globalTeardown: '<rootDir>/test/support/e2e-teardown.ts',
    },
    {
      ...common,
      displayName: 'template',
      testMatch: ['<rootDir>/test/template/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/template-setup.ts',
    },
  ],
};
