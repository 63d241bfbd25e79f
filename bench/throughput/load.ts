/** One load run: autocannon against a URL set for a fixed time, with the target's RSS sampled. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** What autocannon answers, as far as the bench reads it. */
interface AutocannonResult {
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
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly requests: number;
  readonly failures: number;
  readonly peakRssMb: number;
  /** The target's CPU time (user + system) per answered request, in microseconds. */
  readonly cpuUsPerRequest: number;
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
    return {
      rps: r.requests.average,
      p50: r.latency.p50,
      p99: r.latency.p99,
      requests: r.requests.total,
      failures: r.errors + r.timeouts + r.non2xx,
      peakRssMb: Math.max(peak, rssMb(pid)),
      cpuUsPerRequest: r.requests.total ? ((cpuSeconds(pid) - cpuBefore) * 1e6) / r.requests.total : 0,
    };
  } finally {
    clearInterval(sampler);
  }
}
