/**
 * The vitest configuration Stryker runs (stryker.config.mjs): the project's own, restricted to
 * the tests of the mutated code, with property tests on a fixed seed so that a mutant is killed
 * or survives the same way on every run (incremental results stay valid).
 */
import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';
import { selectedTargets, testGlobs } from './stryker.config.mjs';

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    // Replaced, not merged (mergeConfig would append to the project's include and reporters).
    // MUTATION_GROUP (stryker.config.mjs) narrows it to one group's tests.
    include: testGlobs(selectedTargets()),
    reporters: ['dot'],
    setupFiles: ['./vitest.mutation.setup.ts'],
  },
});
