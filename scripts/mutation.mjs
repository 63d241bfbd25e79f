#!/usr/bin/env node
/**
 * `npm run mutation`: Stryker once per target group of stryker.config.mjs, each run with
 * MUTATION_GROUP set to the group (its files mutated, its tests run, its own committed baseline
 * reports/stryker-incremental/<group>.json used incrementally), then the group's floor checked
 * by scripts/mutation-check.mjs. Every group runs even when one fails; the exit code is 1 if any
 * did. Reports: reports/mutation/<group>/index.html (and mutation.json).
 *
 *   npm run mutation                            every group
 *   MUTATION_GROUP=where npm run mutation       one group (or several, comma-separated)
 *   npm run mutation -- --concurrency 2         arguments after `--` go to each Stryker run
 */
import { spawnSync } from 'node:child_process';
import console from 'node:console';
import process from 'node:process';
import { selectedTargets } from '../stryker.config.mjs';

let failed = false;
for (const target of selectedTargets()) {
  const started = Date.now();
  const env = { ...process.env, MUTATION_GROUP: target.name };
  const run = spawnSync('npx', ['stryker', 'run', '--incremental', ...process.argv.slice(2)], { stdio: 'inherit', env });
  const check = spawnSync(process.execPath, ['scripts/mutation-check.mjs', `reports/mutation/${target.name}/mutation.json`], { stdio: 'inherit', env });
  const seconds = Math.round((Date.now() - started) / 1000);
  const ok = run.status === 0 && check.status === 0;
  console.log(`mutation ${target.name}: ${ok ? 'passed' : 'FAILED'} in ${seconds} s; report reports/mutation/${target.name}/index.html`);
  if (!ok) failed = true;
}
process.exit(failed ? 1 : 0);
