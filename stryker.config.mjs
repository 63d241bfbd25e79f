// @ts-check
/**
 * Mutation testing (`npm run mutation`): StrykerJS with its vitest runner. `TARGETS` is the one
 * list of what is mutated and which tests must notice; vitest.mutation.config.ts runs exactly
 * those tests (Stryker's own `testFiles` misreports module-level mutants). Covering more code
 * is one more line here.
 */

/** @type {ReadonlyArray<{ mutate: string; tests: string }>} */
export const TARGETS = [
  // The condition language: the only path from user text to SQL.
  { mutate: 'src/where/**/*.ts', tests: 'test/where/**/*.test.ts' },
];

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  mutate: TARGETS.map((t) => t.mutate),
  coverageAnalysis: 'perTest',
  // Two shared cores: one test runner beside Stryker itself.
  concurrency: 1,
  // Below `break` the run fails (exit code 1).
  thresholds: { high: 97, low: 95, break: 95 },
  reporters: ['clear-text', 'progress', 'html', 'json'],
  clearTextReporter: { reportTests: false, reportMutants: false, reportScoreTable: true },
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  // With --incremental (the npm script) results are reused from this file, which is committed:
  // CI starts from a clean clone, so the file in git is its baseline, and only the mutants in
  // what a change touched (or whose covering tests changed) run again.
  incrementalFile: 'reports/stryker-incremental.json',
  // Not needed by the tests, so not copied into Stryker's sandbox.
  ignorePatterns: ['/data', '/dist', '/coverage', '/bench/results', '/examples'],
  timeoutMS: 10_000,
};
