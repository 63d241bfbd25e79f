/**
 * Ends a run with one plain line, `tests: N passed, N failed, N skipped`, the closing line CI
 * tooling reads whatever the runner. `failed` counts everything that makes the run fail: failed
 * tests, files that failed outside their tests (an import that throws, a failing beforeAll or
 * afterAll) and errors outside any file; those are named after the counts.
 */
import type { Reporter, SerializedError, TestModule } from 'vitest/node';

export function summaryLine(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError> = []): string {
  const count = { passed: 0, failed: 0, skipped: 0, pending: 0 };
  const filesFailed: string[] = [];
  for (const m of modules) {
    let testsFailed = 0;
    for (const t of m.children.allTests()) {
      const state = t.result().state;
      count[state]++;
      if (state === 'failed') testsFailed++;
    }
    if (m.state() === 'failed' && testsFailed === 0) filesFailed.push(m.relativeModuleId);
  }
  const failed = count.failed + filesFailed.length + unhandledErrors.length;
  const why = [
    ...(filesFailed.length ? [`${filesFailed.length} file${filesFailed.length === 1 ? '' : 's'} failed outside their tests: ${filesFailed.sort().join(', ')}`] : []),
    ...(unhandledErrors.length ? [`${unhandledErrors.length} error${unhandledErrors.length === 1 ? '' : 's'} outside any test file`] : []),
  ];
  return `tests: ${count.passed} passed, ${failed} failed, ${count.skipped + count.pending} skipped${why.length ? ` (${why.join('; ')})` : ''}`;
}

export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>): void {
    process.stdout.write(`\n${summaryLine(modules, unhandledErrors)}\n`);
  }
}
