// Runs in every integration worker before the test file: the environment comes from the global
// setup; this only guards against running the layer without it.
if (!process.env.AWS_ENDPOINT_URL || !process.env.HELPSHELF_TEST_EMULATOR) {
  throw new Error('The integration layer needs its global setup (run it through jest, e.g. npm test).');
}
