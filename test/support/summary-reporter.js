// Prints one closing line in the plain form CI reads ("jest: N passed, N failed, N skipped").
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    // A suite that cannot even load has no failed test, but must not read as a pass. Jest counts it
    // in numFailedTestSuites already (numRuntimeErrorTestSuites is a subset), so it is added once.
    const failed = results.numFailedTests + (results.numFailedTests === 0 ? results.numFailedTestSuites : 0);
    // Which Node ran the tests: npm test takes the pinned `node` devDependency (Lambda's major) from
    // node_modules/.bin; run otherwise on another major, the line says so.
    const lambdaMajor = '22';
    const node = process.versions.node.split('.')[0] === lambdaMajor ? `node ${process.version}` : `node ${process.version}, NOT Lambda's Node ${lambdaMajor}: run npm test`;
    process.stderr.write(`\njest: ${results.numPassedTests} passed, ${failed} failed, ${skipped} skipped (${node})\n`);
  }
}
module.exports = SummaryReporter;
