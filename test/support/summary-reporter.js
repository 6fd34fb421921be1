// Prints one closing line in the plain form CI reads ("jest: N passed, N failed, N skipped").
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    // A suite that cannot even load has no failed test, but must not read as a pass. Jest counts it
    // in numFailedTestSuites already (numRuntimeErrorTestSuites is a subset), so it is added once.
    const failed = results.numFailedTests + (results.numFailedTests === 0 ? results.numFailedTestSuites : 0);
    process.stderr.write(`\njest: ${results.numPassedTests} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
module.exports = SummaryReporter;
