/** Mutation runs only (vitest.mutation.config.ts): fast-check draws the same cases on every run. */
import fc from 'fast-check';

fc.configureGlobal({ seed: 20 });
