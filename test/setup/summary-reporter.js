// Prints one plain closing line, `Summary: N passed, N failed, N skipped`, after jest's own summary,
// for tools that read a run's last lines; then the lines tests left in TEST_FINAL_LINES (a run's
// figures, e.g. test:cluster's `sent N, delivered N, lost 0, unexpected 0`), so they end the run.
const { existsSync, readFileSync, rmSync } = require('node:fs');

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    let lines = `Summary: ${results.numPassedTests} passed, ${failed} failed, ${skipped} skipped\n`;
    const finalLines = process.env.TEST_FINAL_LINES;
    if (finalLines && existsSync(finalLines)) {
      lines += readFileSync(finalLines, 'utf8');
      rmSync(finalLines, { force: true });
    }
    process.once('exit', () => process.stdout.write(lines));
  }
}
module.exports = SummaryReporter;
