/** One load run: autocannon against a URL set for a fixed time, with the target's RSS sampled. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { median } from '../harness.js';

const require = createRequire(import.meta.url);

/** What autocannon answers, as far as the bench reads it. */
interface AutocannonResult {
  /** Seconds from the start to the last answer, to 10 ms. */
  duration: number;
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}
interface Request {
  method?: string;
  path?: string;
  body?: string;
  headers?: Record<string, string>;
}
type Autocannon = (opts: {
  url: string;
  connections: number;
  duration: number;
  requests: Array<{ setupRequest: (r: Request) => Request }>;
}) => Promise<AutocannonResult>;

const autocannon = require('autocannon') as Autocannon;

export interface Call {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: string;
  readonly headers?: Record<string, string>;
}

export interface LoadResult {
  /** Requests answered per second of the run. */
  readonly rps: number;
  readonly seconds: number;
  readonly p50: number;
  readonly p99: number;
  readonly requests: number;
  readonly failures: number;
  readonly peakRssMb: number;
  /** The target's CPU time (user + system) per answered request, in microseconds. */
  readonly cpuUsPerRequest: number;
  /** The target's CPU time over the run, in seconds. */
  readonly cpuSeconds: number;
  /**
   * The load generator's CPU time over the run, in seconds: autocannon runs in this process, on
   * the same cores as the target. A target near a whole core while the generator is not is bound
   * by its own CPU; both near one, and the figure is the generator's ceiling as much as its own.
   */
  readonly loadCpuSeconds: number;
}

/** CPU time (user + system) of this process since `since`, in seconds. */
function ownCpuSeconds(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
}

/** A run's share of one core: CPU seconds over wall seconds, in percent. */
export function busyPercent(cpuSeconds: number, seconds: number): number {
  return seconds ? (100 * cpuSeconds) / seconds : 0;
}

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** The CPU time the process has used so far, in seconds (0 where /proc is unreadable). */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may itself hold spaces: utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Drives `calls` (taken in turn) against `base` with `connections` for `seconds`. */
export async function load(base: string, calls: readonly Call[], connections: number, seconds: number, pid: number): Promise<LoadResult> {
  let next = 0;
  let peak = rssMb(pid);
  const cpuBefore = cpuSeconds(pid);
  const ownBefore = process.cpuUsage();
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 250);
  try {
    const r = await autocannon({
      url: base,
      connections,
      duration: seconds,
      requests: [
        {
          setupRequest: (req) => {
            const c = calls[next++ % calls.length]!;
            return { ...req, method: c.method, path: c.path, body: c.body, headers: { ...req.headers, ...c.headers } };
          },
        },
      ],
    });
    const cpu = cpuSeconds(pid) - cpuBefore;
    const loadCpu = ownCpuSeconds(ownBefore);
    return {
      rps: r.duration ? r.requests.total / r.duration : r.requests.average,
      seconds: r.duration,
      p50: r.latency.p50,
      p99: r.latency.p99,
      requests: r.requests.total,
      failures: r.errors + r.timeouts + r.non2xx,
      peakRssMb: Math.max(peak, rssMb(pid)),
      cpuUsPerRequest: r.requests.total ? (cpu * 1e6) / r.requests.total : 0,
      cpuSeconds: cpu,
      loadCpuSeconds: loadCpu,
    };
  } finally {
    clearInterval(sampler);
  }
}

/**
 * One run made of several slices of load (each a `load` call): its requests over its time, its
 * CPU over its requests, its peak RSS; the latencies are the middle of the slices' own.
 */
export function joinSlices(slices: readonly LoadResult[]): LoadResult {
  const sum = (f: (r: LoadResult) => number) => slices.reduce((n, r) => n + f(r), 0);
  const [requests, seconds, cpu, loadCpu] = [sum((r) => r.requests), sum((r) => r.seconds), sum((r) => r.cpuSeconds), sum((r) => r.loadCpuSeconds)];
  return {
    rps: seconds ? requests / seconds : 0,
    seconds,
    p50: median(slices.map((r) => r.p50)),
    p99: median(slices.map((r) => r.p99)),
    requests,
    failures: sum((r) => r.failures),
    peakRssMb: Math.max(...slices.map((r) => r.peakRssMb)),
    cpuUsPerRequest: requests ? (cpu * 1e6) / requests : 0,
    cpuSeconds: cpu,
    loadCpuSeconds: loadCpu,
  };
}
