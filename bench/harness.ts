/** Tiny benchmark harness: warm up, run for a fixed count, report ms per op and a ratio. */
import { performance } from 'node:perf_hooks';

export interface Measured {
  readonly name: string;
  readonly msPerOp: number;
  readonly statementsPerOp?: number;
}

export async function measure(name: string, runs: number, fn: () => Promise<number | void>): Promise<Measured> {
  for (let i = 0; i < Math.min(3, runs); i++) await fn();
  let statements = 0;
  const start = performance.now();
  for (let i = 0; i < runs; i++) statements += (await fn()) ?? 0;
  const msPerOp = (performance.now() - start) / runs;
  return { name, msPerOp, statementsPerOp: statements ? statements / runs : undefined };
}

/** Prints a candidate against the baseline measured in the same process. */
export function report(title: string, baseline: Measured, candidate: Measured): void {
  const fmt = (m: Measured) =>
    `${m.name.padEnd(34)} ${m.msPerOp.toFixed(2).padStart(9)} ms/op${m.statementsPerOp !== undefined ? `  ${m.statementsPerOp.toFixed(0).padStart(5)} statements/op` : ''}`;
  console.log(`\n${title}`);
  console.log(`  baseline  ${fmt(baseline)}`);
  console.log(`  yesgraph  ${fmt(candidate)}`);
  console.log(`  speed-up  ${(baseline.msPerOp / candidate.msPerOp).toFixed(1)}x`);
}

/** The middle of `xs` (the upper middle for an even count). */
export const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * CPU microseconds (user + system, the whole process) per call of `one` over `calls` calls,
 * `concurrency` callers at a time, after `warmUp` calls.
 */
export async function cpuPerCall(one: () => unknown, calls: number, options: { concurrency?: number; warmUp?: number } = {}): Promise<number> {
  const { concurrency = 1, warmUp = 0 } = options;
  for (let i = 0; i < warmUp; i++) await one();
  const before = process.cpuUsage();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = 0; i < calls / concurrency; i++) await one();
    }),
  );
  const used = process.cpuUsage(before);
  return (used.user + used.system) / calls;
}
