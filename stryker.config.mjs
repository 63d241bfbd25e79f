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
    tests: [
      'test/guards/ip.test.ts',
      'test/guards/sign.test.ts',
      'test/guards/counters.test.ts',
      'test/guards/chain.test.ts',
      'test/guards/session-rules.test.ts',
      'test/guards/guards.test.ts',
    ],
  },
  // The concurrency paths: pop-one, transfer, task claim and the lease writes, conflict retries.
  // bank.test.ts (5,000 transfers, ~50 s) is left out: transfer.test.ts runs opposite transfers
  // at once, and every statement a transfer sends, on both engines.
  {
    name: 'concurrency',
    floor: 90,
    mutate: ['src/operations/tables/pop-one.ts', 'src/operations/transfer.ts', 'src/records/tasks.ts', 'src/db/retry.ts'],
    tests: ['test/tables/pop-one.test.ts', 'test/transfer/transfer.test.ts', 'test/transfer/move-once.test.ts', 'test/tasks/tasks.test.ts', 'test/db/retry.test.ts'],
  },
];

/*
 * Surviving mutants, as of the committed baselines. Those judged equivalent where the code reads
 * them carry a `Stryker disable` comment with the reason; the rest are listed here.
 *
 * where (98.18 %), equivalent:
 * - raw.ts 117, 141, 183, 187, 223 (either half of the value-list test alone), 239, 338, 345,
 *   353, 361, 362: checks and messages for parser node shapes that no input we found makes
 *   node-sql-parser's MySQL grammar produce in a WHERE (an unbracketed AND/OR under NOT: NOT
 *   binds tighter; a value list whose value is no array, or another node whose value is one
 *   (`id IN name` is tested); a non-string ESCAPE, which it does not parse; a non-text name; a
 *   call without an argument list), or that an earlier check refuses first (more than 1,000 IN
 *   values exceed the 2,000-character limit). raw.ts 337: only a node without a type carries
 *   `expr.column` `*`, so either half of the test decides alone (`id = *` is tested).
 * - compile.ts 91 (`low === undefined`, `high === undefined`): validate.ts has checked both
 *   bounds are there; compile.ts 85, 95 (`atomic: false`): only adds parentheses.
 * - values.ts 32 (`typeof v === 'number'` → true) and operators.ts 27 (`typeof op === 'string'`
 *   → true): Number.isFinite and Array#includes answer false for anything else anyway;
 *   values.ts 50 (`/^\+/` → `/\+/`) and parse.ts 44 (the final `$` dropped): the text already
 *   matched a pattern with `+` only in front, and `[\s\S]*` reaches the end without `$`.
 * where, not equivalent, left (refusal texts no test reads, and narrow cases): raw.ts 58, 275, 283
 *   and values.ts 71 (names in messages), raw.ts 319 (folding `-` into a numeric literal),
 *   like.ts 37 (a LIKE piece's kind), parse.ts 77 (a non-string field that reads as a name).
 * guards (99.51 %): app.ts 50 (`'Z'` dropped: the expiry parsed as local time) is killed by
 *   chain.test.ts's Asia/Shanghai check in a plain run, but Stryker runs the tests in worker
 *   threads, where setting TZ does not reach Date; counters-redis.ts 99 (`enableOfflineQueue`)
 *   is killed by redis-outage.test.ts, left out of the group as slow; sign.ts 62 (the static
 *   sign's `?? ''`) is equivalent: an app in static mode always has its static sign.
 * concurrency (99.56 %): pop-one.ts 88 (the random pop's MIN/MAX without the app's scope) is
 *   equivalent in answers: the pick itself keeps the scope, only the spread of the random probe
 *   changes. tasks.ts 164 (`progress === undefined` → false) sends the CASE with NULL for an
 *   absent progress: `progress < NULL` is never true, so progress is kept, as without the CASE.
 */

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
