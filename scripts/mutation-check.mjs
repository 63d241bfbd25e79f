#!/usr/bin/env node
/**
 * The per-group floors of mutation testing (`npm run mutation` runs it after Stryker). Stryker's
 * `break` is one number for the whole run; stryker.config.mjs gives each target group its own
 * `floor` (the condition language 95 %, the guards and the concurrency paths 90 %). This reads
 * Stryker's JSON report, scores each group's files the way Stryker does — (killed + timed out) /
 * (killed + timed out + survived + no coverage) — prints a line per group and per file, and exits
 * with 1 when a group is under its floor.
 *
 * Usage: node scripts/mutation-check.mjs [report.json]   (default reports/mutation/all/mutation.json)
 * A group with no mutant in the report (a run narrowed by MUTATION_GROUP or --mutate) is skipped.
 */
import { readFileSync } from 'node:fs';
import console from 'node:console';
import process from 'node:process';
import { TARGETS } from '../stryker.config.mjs';

/** A glob of the config (`*` within a path segment, `**` across segments) as a regular expression. */
function globRegExp(glob) {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/';
      re += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else re += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

const DETECTED = new Set(['Killed', 'Timeout']);
const COUNTED = new Set(['Killed', 'Timeout', 'Survived', 'NoCoverage']);

/** [detected, counted] over a list of mutants. */
function tally(mutants) {
  let detected = 0;
  let counted = 0;
  for (const m of mutants) {
    if (DETECTED.has(m.status)) detected++;
    if (COUNTED.has(m.status)) counted++;
  }
  return [detected, counted];
}

const pct = ([detected, counted]) => (counted ? (100 * detected) / counted : 100);

const path = process.argv[2] ?? 'reports/mutation/all/mutation.json';
const report = JSON.parse(readFileSync(path, 'utf8'));
const files = Object.entries(report.files).map(([name, f]) => [name.replace(/\\/g, '/'), f.mutants]);

let failed = false;
for (const target of TARGETS) {
  const globs = (Array.isArray(target.mutate) ? target.mutate : [target.mutate]).map(globRegExp);
  const mine = files.filter(([name]) => globs.some((g) => g.test(name)));
  const all = mine.flatMap(([, mutants]) => mutants);
  if (!all.length) {
    console.log(`${target.name}: not in this report, skipped`);
    continue;
  }
  const score = pct(tally(all));
  const ok = score >= target.floor;
  if (!ok) failed = true;
  console.log(`${target.name}: ${score.toFixed(2)} % of ${tally(all)[1]} mutants (floor ${target.floor} %) ${ok ? 'ok' : 'UNDER THE FLOOR'}`);
  for (const [name, mutants] of mine) console.log(`  ${name}: ${pct(tally(mutants)).toFixed(2)} % of ${tally(mutants)[1]}`);
}
process.exit(failed ? 1 : 0);
