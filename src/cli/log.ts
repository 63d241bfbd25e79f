/**
 * `yesgraph log …`: the call log (the platform's 接口请求日记) the servers write into the main
 * store: the newest calls, followed as they come, and an app's figures per service.
 */
import { sqlDateTime } from '../db/datetime.js';
import { CallLogRecords, type LoggedCall, type ServiceFigures } from '../records/call-log.js';
import { defineCommand, UsageError, type OptionSpec } from './command.js';
import { out } from './output.js';
import { findApp, withStore } from './store.js';

const JSON_OUT = { type: 'boolean', description: 'print JSON (tail: one object per line)' } as const satisfies OptionSpec;
const FOLLOW_MS = 1_000;
const MAX_LIMIT = 1_000;

function ms(us: number): string {
  return (us / 1000).toFixed(1);
}

function line(c: LoggedCall): string {
  return [c.at, c.appKey ?? '-', c.face.padEnd(7), c.service ?? '-', `ret=${c.ret}`, `err_code=${c.errCode ?? '-'}`, `${ms(c.durationUs)}ms`, `ip=${c.ip ?? '-'}`, `member=${c.memberUuid ?? '-'}`].join('  ');
}

function limitOf(value: string | undefined): number {
  if (value === undefined) return 20;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT) throw new UsageError(`--limit must be a whole number from 1 to ${MAX_LIMIT}`);
  return n;
}

const RELATIVE = /^(\d{1,6})([mhd])$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `--since`: `30m`, `24h`, `7d` ago, or a UTC date `YYYY-MM-DD[ HH:MM[:SS]]`; as sqlDateTime. */
export function sinceOf(value: string | undefined, now = new Date()): string {
  const text = (value ?? '24h').trim();
  const rel = RELATIVE.exec(text);
  if (rel) return sqlDateTime(new Date(now.getTime() - Number(rel[1]) * UNIT_MS[rel[2] as keyof typeof UNIT_MS]));
  const m = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2})(:\d{2})?)?$/.exec(text);
  const at = m ? new Date(`${m[1]}T${m[2] ?? '00:00'}${m[3] ?? ':00'}Z`) : null;
  if (!at || Number.isNaN(at.getTime())) throw new UsageError('--since must be like 30m, 24h, 7d, 2024-05-01 or "2024-05-01 08:00" (UTC)');
  return sqlDateTime(at);
}

/** The first moment of the calendar month (UTC) of `now`: the quota's month. */
function monthStart(now: Date): string {
  return sqlDateTime(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)));
}

function figuresTable(rows: readonly ServiceFigures[]): string[] {
  const cells = [
    ['face', 'service', 'calls', 'refused', 'failed', 'p50 ms', 'p99 ms'],
    ...rows.map((r) => [r.face, r.service ?? '-', String(r.calls), String(r.refused), String(r.failed), ms(r.p50Us), ms(r.p99Us)]),
  ];
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((c) => c[i]!.length)));
  return cells.map((c) => c.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd());
}

/** Resolves on SIGINT/SIGTERM, for --follow. */
function interrupted(): { readonly stopped: boolean; wait(ms: number): Promise<void> } {
  let stopped = false;
  let wake: (() => void) | null = null;
  const stop = () => {
    stopped = true;
    wake?.();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return {
    get stopped() {
      return stopped;
    },
    wait: (ms) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      }),
  };
}

export const logCommands = [
  defineCommand({
    name: 'log tail',
    summary: 'print the newest calls of the call log (every app, or one), oldest first; --follow keeps printing new ones',
    details:
      'A line: time (UTC), app_key, face, service or GraphQL operation, ret, err_code, duration, caller IP, member uuid. ' +
      "An app's calls come in the order they were answered; across apps, the calls written in one batch (a second or so) come app by app.",
    options: {
      app: { type: 'string', value: 'APP_KEY', description: 'only this app' },
      limit: { type: 'string', value: 'N', description: `how many (default 20, at most ${MAX_LIMIT})` },
      follow: { type: 'boolean', description: 'keep printing calls as the servers log them, until interrupted' },
      json: JSON_OUT,
    },
    async run(values) {
      const limit = limitOf(values.limit);
      const print = (c: LoggedCall) => out(values.json ? JSON.stringify(c) : line(c));
      await withStore(async (rt) => {
        const appKey = values.app ? (await findApp(rt, values.app)).appKey : undefined;
        const records = new CallLogRecords(rt.main);
        const first = await records.latest({ appKey, limit });
        first.forEach(print);
        if (!values.follow) return;
        let last = first.at(-1)?.id ?? (await records.latest({ appKey, limit: 1 })).at(-1)?.id ?? 0;
        const signal = interrupted();
        while (!signal.stopped) {
          await signal.wait(FOLLOW_MS);
          for (const c of await records.latest({ appKey, afterId: last, limit: MAX_LIMIT })) {
            print(c);
            last = c.id;
          }
        }
      });
      return 0;
    },
  }),
  defineCommand({
    name: 'log stats',
    summary: "an app's calls per service from the call log: calls, refusals, failures, p50/p99 duration, quota used this month",
    details:
      'refused: ret other than 200; failed: accepted with a business err_code. Quota used is estimated from the call log ' +
      "(accepted calls this month, each at its service's cost; 1 per GraphQL operation), not read from the rate/quota counters.",
    options: {
      app: { type: 'string', value: 'APP_KEY', required: true, description: 'the app' },
      since: { type: 'string', value: 'WHEN', description: '30m, 24h (default), 7d, or a UTC date: 2024-05-01, "2024-05-01 08:00"' },
      json: JSON_OUT,
    },
    async run(values) {
      const now = new Date();
      const since = sinceOf(values.since, now);
      const month = monthStart(now);
      const report = await withStore(async (rt) => {
        const app = await findApp(rt, values.app!);
        const records = new CallLogRecords(rt.main);
        const services = await records.figures(app.appKey, since);
        const thisMonth = since === month ? services : await records.figures(app.appKey, month);
        const costs = app.settings.costs;
        const quotaUsed = thisMonth.reduce((n, s) => n + (s.calls - s.refused) * (s.face === 'legacy' && s.service ? (costs[s.service] ?? 1) : 1), 0);
        return { app_key: app.appKey, since, calls: sum(services, 'calls'), refused: sum(services, 'refused'), failed: sum(services, 'failed'), services, quota_used: quotaUsed, quota_month_start: month, quota: app.settings.quota };
      });
      if (values.json) {
        out(JSON.stringify(report));
        return 0;
      }
      out(`app ${report.app_key} since ${report.since} UTC: ${report.calls} calls, ${report.refused} refused, ${report.failed} failed`);
      if (report.services.length) figuresTable(report.services).forEach((l) => out(l));
      out(`quota used this month: ${report.quota_used}${report.quota === null ? '' : ` of ${report.quota}`} (estimated from the call log since ${report.quota_month_start} UTC)`);
      return 0;
    },
  }),
];

function sum(rows: readonly ServiceFigures[], key: 'calls' | 'refused' | 'failed'): number {
  return rows.reduce((n, r) => n + r[key], 0);
}
