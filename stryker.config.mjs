// @ts-check
import process from 'node:process';
/**
 * Mutation testing (`npm run mutation`): StrykerJS with its vitest runner. `TARGETS` is the one
 * list of what is mutated and which tests must notice; vitest.mutation.config.ts runs exactly
 * those tests (Stryker's own `testFiles` misreports module-level mutants). Covering more code
 * is one more line here.
 *
 * Each group has its own floor (`floor`, per cent): a single `break` cannot hold the condition
 * language to 95 % and the guards to 90 %, so `break` below is the lowest floor and
 * scripts/mutation-check.mjs (run after Stryker by `npm run mutation`) reads the JSON report and
 * fails when any group is under its own floor.
 *
 * `npm run mutation` (scripts/mutation.mjs) runs Stryker once per group, with MUTATION_GROUP set
 * to the group's name: each run mutates that group's files, runs only its tests, and keeps its
 * own incremental baseline (reports/stryker-incremental/<group>.json, committed) and its own
 * reports (reports/mutation/<group>/index.html and mutation.json). Without MUTATION_GROUP a
 * plain `npx stryker run` covers every group at once, with a baseline of its own (`all`).
 */

/**
 * @typedef {{ name: string; floor: number; mutate: string | string[]; tests: string | string[] }} Target
 * @type {ReadonlyArray<Target>}
 */
export const TARGETS = [
  // The condition language: the only path from user text to SQL.
  { name: 'where', floor: 95, mutate: 'src/where/**/*.ts', tests: 'test/where/**/*.test.ts' },
  // The guards in front of every call: ip allow-lists, signatures, rate and quota counters (and
  // their fallback while Redis is away), the chain, the app and member guards. Unit-level files
  // plus guards.test.ts (both faces). Left out as slow (a surviving mutant runs every test that
  // covers it): cli.test.ts (spawns the CLI), two-servers.test.ts (~35 s), isolation.test.ts
  // (timing under attack, ~15 s), redis-outage.test.ts (kills and freezes a redis-server;
  // counters.test.ts drives the same fallback with a stand-in Redis on a controlled clock).
  {
    name: 'guards',
    floor: 90,
    mutate: 'src/guards/**/*.ts',
    tests: ['test/guards/ip.test.ts', 'test/guards/sign.test.ts', 'test/guards/counters.test.ts', 'test/guards/chain.test.ts', 'test/guards/guards.test.ts'],
  },
  // The concurrency paths: pop-one, transfer, task claim and the lease writes, conflict retries.
  // bank.test.ts (5,000 transfers, ~50 s) is left out: transfer.test.ts runs opposite transfers
  // at once, and every statement a transfer sends, on both engines.
  {
    name: 'concurrency',
    floor: 90,
    mutate: ['src/operations/tables/pop-one.ts', 'src/operations/transfer.ts', 'src/records/tasks.ts', 'src/db/retry.ts'],
    tests: ['test/tables/pop-one.test.ts', 'test/transfer/transfer.test.ts', 'test/tasks/tasks.test.ts', 'test/db/retry.test.ts'],
  },
];

/** @param {string | string[]} x */
const list = (x) => (Array.isArray(x) ? x : [x]);

/** The targets of this run: MUTATION_GROUP's, or all. */
export function selectedTargets(group = process.env.MUTATION_GROUP) {
  if (!group) return TARGETS;
  const names = group.split(',').map((s) => s.trim());
  const unknown = names.filter((n) => !TARGETS.some((t) => t.name === n));
  if (unknown.length) throw new Error(`MUTATION_GROUP: no target named ${unknown.join(', ')}`);
  return TARGETS.filter((t) => names.includes(t.name));
}

/** @param {ReadonlyArray<Target>} targets */
export const mutateGlobs = (targets) => targets.flatMap((t) => list(t.mutate));
/** @param {ReadonlyArray<Target>} targets */
export const testGlobs = (targets) => targets.flatMap((t) => list(t.tests));

/** The run's name in its report and baseline paths: its group, or `all`. */
const runName = process.env.MUTATION_GROUP ? selectedTargets().map((t) => t.name).join('+') : 'all';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  mutate: mutateGlobs(selectedTargets()),
  coverageAnalysis: 'perTest',
  // Two shared cores: one test runner beside Stryker itself.
  concurrency: 1,
  // Below `break` the run fails (exit code 1): the lowest group floor; the per-group floors are
  // checked by scripts/mutation-check.mjs.
  thresholds: { high: 97, low: 95, break: Math.min(...TARGETS.map((t) => t.floor)) },
  reporters: ['clear-text', 'progress', 'html', 'json'],
  clearTextReporter: { reportTests: false, reportMutants: false, reportScoreTable: true },
  htmlReporter: { fileName: `reports/mutation/${runName}/index.html` },
  jsonReporter: { fileName: `reports/mutation/${runName}/mutation.json` },
  // With --incremental (scripts/mutation.mjs passes it) results are reused from this file, which
  // is committed: CI starts from a clean clone, so the file in git is its baseline, and only the
  // mutants in what a change touched (or whose covering tests changed) run again.
  incrementalFile: `reports/stryker-incremental/${runName}.json`,
  // Not needed by the tests, so not copied into Stryker's sandbox.
  ignorePatterns: ['/data', '/dist', '/coverage', '/bench/results', '/examples'],
  timeoutMS: 10_000,
};
