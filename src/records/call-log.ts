/**
 * The call log's table (`yg_call_batch`, migration 012): what the batching writer
 * (src/telemetry/call-log.ts) hands over is stored as one row per app, holding that app's calls
 * (at most CALLS_PER_BATCH) as a JSON array of entries, in the order they were answered. Read
 * back one call at a time: the newest calls for `yesgraph log tail`, per-service figures for
 * `yesgraph log stats`. Pruned a batch row at a time, once its last call is old enough. A call
 * says who called what and how it went; it has no field a parameter could reach, so no secret,
 * sign, token or password is ever stored.
 */
import { empty, inList, join, powerOfTwoRuns, sql, valueRows, type Sql } from '../db/sql.js';
import type { Store } from '../db/store.js';

export type Face = 'legacy' | 'graphql';

export interface CallRow {
  /** When the answer was ready: 'YYYY-MM-DD HH:MM:SS' UTC (sqlDateTime). */
  readonly at: string;
  /** The calling app's key, when known. */
  readonly appKey: string | null;
  readonly face: Face;
  /** The legacy service, or the GraphQL operation (`query Thread`, `mutation postMessage`). */
  readonly service: string | null;
  readonly ret: number;
  /** The business outcome (legacy); null when there is none to tell. */
  readonly errCode: number | null;
  readonly durationUs: number;
  readonly ip: string | null;
  readonly memberUuid: string | null;
}

export interface LoggedCall extends CallRow {
  /** Its batch row's id × ID_STRIDE + its place in that row: grows with every call written. */
  readonly id: number;
}

/** Limits of a call's values: they are cut to them before they are written. */
export const CALL_LOG_LIMITS = { appKey: 32, service: 128, ip: 45, memberUuid: 32 } as const;

/** Calls of one app in one batch row, at most: a full row is about 50 KB of JSON (130 KB at the limits). */
export const CALLS_PER_BATCH = 512;

/** Call ids: a batch row's id times this, plus the call's place in the row (below CALLS_PER_BATCH). */
const ID_STRIDE = 1024;

/** Values per batch row of an INSERT. */
const PER_ROW = 5;

/** Batch rows read per statement when reading calls back. */
const PAGE_ROWS = 32;

/** A call as stored in a batch row's `entries`: everything but the app key, which is the row's. */
type Entry = [at: string, face: Face, service: string | null, ret: number, errCode: number | null, durationUs: number, ip: string | null, memberUuid: string | null];

interface BatchRow {
  id: number | string;
  app_key: string | null;
  entries: string;
}

const entryOf = (c: CallRow): Entry => [c.at, c.face, c.service, c.ret, c.errCode, c.durationUs, c.ip, c.memberUuid];

const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const whole = (v: unknown): number | null => (typeof v === 'number' && Number.isSafeInteger(v) ? v : null);

/**
 * The calls of a batch row, in their order. The row is yesgraph's own writing; an entry that is
 * not of its shape (a row edited by hand) is passed over rather than failing the whole read.
 */
function callsOf(row: BatchRow): LoggedCall[] {
  let entries: unknown;
  try {
    entries = JSON.parse(row.entries);
  } catch {
    return [];
  }
  if (!Array.isArray(entries)) return [];
  const base = Number(row.id) * ID_STRIDE;
  const calls: LoggedCall[] = [];
  entries.forEach((e: unknown, place) => {
    if (!Array.isArray(e) || e.length !== 8) return;
    const [at, face, service, ret, errCode, durationUs, ip, memberUuid] = e as unknown[];
    const [r, d] = [whole(ret), whole(durationUs)];
    if (typeof at !== 'string' || r === null || d === null) return;
    calls.push({
      id: base + place,
      at: at.slice(0, 19),
      appKey: row.app_key,
      face: face === 'graphql' ? 'graphql' : 'legacy',
      service: text(service),
      ret: r,
      errCode: whole(errCode),
      durationUs: d,
      ip: text(ip),
      memberUuid: text(memberUuid),
    });
  });
  return calls;
}

export interface ServiceFigures {
  readonly face: Face;
  readonly service: string | null;
  readonly calls: number;
  /** Calls refused (`ret` ≠ 200). */
  readonly refused: number;
  /** Accepted calls with a business failure (`err_code` ≠ 0). */
  readonly failed: number;
  readonly p50Us: number;
  readonly p99Us: number;
}

/** The nearest-rank percentile of durations sorted ascending. */
function percentile(sorted: readonly number[], p: number): number {
  return sorted.length ? sorted[Math.max(1, Math.ceil(p * sorted.length)) - 1]! : 0;
}

/** NULL first, then by code unit: the order SQL's ORDER BY gave these figures before. */
function byService(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

export class CallLogRecords {
  constructor(private readonly main: Store) {}

  /** Most batch rows one INSERT carries within the engine's bound-parameter limit. */
  get rowsPerStatement(): number {
    return Math.min(1000, Math.floor(this.main.dialect.maxParams / PER_ROW));
  }

  /**
   * Writes the calls as batch rows: one per app (per CALLS_PER_BATCH of its calls), in the order
   * each app first appears; the rows go out in multi-row INSERTs of power-of-two lengths
   * (`powerOfTwoRuns`), so that writes of every size share a handful of prepared statements.
   */
  async insert(calls: readonly CallRow[]): Promise<void> {
    const byApp = new Map<string | null, CallRow[]>();
    for (const c of calls) {
      const group = byApp.get(c.appKey);
      if (group) group.push(c);
      else byApp.set(c.appKey, [c]);
    }
    const rows: unknown[][] = [];
    for (const [appKey, group] of byApp) {
      for (let i = 0; i < group.length; i += CALLS_PER_BATCH) {
        const part = group.slice(i, i + CALLS_PER_BATCH);
        let first = part[0]!.at;
        let last = first;
        for (const c of part) {
          if (c.at < first) first = c.at;
          if (c.at > last) last = c.at;
        }
        rows.push([first, last, appKey, part.length, JSON.stringify(part.map(entryOf))]);
      }
    }
    let i = 0;
    for (const run of powerOfTwoRuns(rows.length, this.rowsPerStatement)) {
      const values = rows.slice(i, i + run);
      i += run;
      await this.main.execute(sql`INSERT INTO yg_call_batch (first_at, last_at, app_key, calls, entries) VALUES ${valueRows(values)}`);
    }
  }

  /**
   * The newest `limit` calls (of one app; after the call `afterId` when following), oldest
   * first. Reads batch rows from the newest back, a page at a time, until it has enough.
   */
  async latest(options: { appKey?: string; limit: number; afterId?: number }): Promise<LoggedCall[]> {
    const { appKey, limit, afterId } = options;
    const where: Sql[] = [];
    if (appKey !== undefined) where.push(sql`app_key = ${appKey}`);
    if (afterId !== undefined) where.push(sql`id >= ${Math.floor(afterId / ID_STRIDE)}`);
    const newest: LoggedCall[] = [];
    let before: number | null = null;
    while (newest.length < limit) {
      const page: Sql[] = before === null ? where : [...where, sql`id < ${before}`];
      const filter = page.length ? sql` WHERE ${join(page, ' AND ')}` : empty;
      const rows = await this.main.query<BatchRow>(sql`SELECT id, app_key, entries FROM yg_call_batch${filter} ORDER BY id DESC${this.main.dialect.limitOffset(PAGE_ROWS, 0)}`);
      for (const row of rows) {
        const calls = callsOf(row);
        for (let i = calls.length - 1; i >= 0 && newest.length < limit; i--) {
          if (afterId === undefined || calls[i]!.id > afterId) newest.push(calls[i]!);
        }
      }
      if (rows.length < PAGE_ROWS) break;
      before = Number(rows.at(-1)!.id);
    }
    return newest.reverse();
  }

  /**
   * Per face and service since `since` (sqlDateTime), busiest first: calls, refusals, failures,
   * p50 and p99 duration. Reads the app's batch rows a page at a time and keeps one duration per
   * call (8 bytes each) for the percentiles.
   */
  async figures(appKey: string, since: string): Promise<ServiceFigures[]> {
    const groups = new Map<string, { face: Face; service: string | null; refused: number; failed: number; durations: number[] }>();
    let after = 0;
    for (;;) {
      const rows = await this.main.query<BatchRow>(
        sql`SELECT id, app_key, entries FROM yg_call_batch WHERE app_key = ${appKey} AND last_at >= ${since} AND id > ${after} ORDER BY id${this.main.dialect.limitOffset(PAGE_ROWS, 0)}`,
      );
      for (const row of rows) {
        for (const c of callsOf(row)) {
          if (c.at < since) continue;
          const key = `${c.face}\u0000${c.service ?? '\u0000'}`;
          let g = groups.get(key);
          if (!g) groups.set(key, (g = { face: c.face, service: c.service, refused: 0, failed: 0, durations: [] }));
          if (c.ret !== 200) g.refused++;
          else if (c.errCode !== null && c.errCode !== 0) g.failed++;
          g.durations.push(c.durationUs);
        }
      }
      if (rows.length < PAGE_ROWS) break;
      after = Number(rows.at(-1)!.id);
    }
    const figures = [...groups.values()].map((g): ServiceFigures => {
      const sorted = g.durations.sort((a, b) => a - b);
      return { face: g.face, service: g.service, calls: sorted.length, refused: g.refused, failed: g.failed, p50Us: percentile(sorted, 0.5), p99Us: percentile(sorted, 0.99) };
    });
    return figures.sort((a, b) => b.calls - a.calls || (a.face < b.face ? -1 : a.face > b.face ? 1 : byService(a.service, b.service)));
  }

  /**
   * Deletes at most `batch` batch rows whose last call is older than `before` (sqlDateTime),
   * oldest first; answers how many rows. A call is kept at least the kept days, and at most the
   * span of its batch row longer (a second or so: the writer flushes every second).
   */
  async prune(before: string, batch: number): Promise<number> {
    const old = await this.main.query<{ id: number | string }>(sql`SELECT id FROM yg_call_batch WHERE last_at < ${before} ORDER BY last_at, id${this.main.dialect.limitOffset(batch, 0)}`);
    if (!old.length) return 0;
    const ids = old.map((r) => Number(r.id));
    return (await this.main.execute(sql`DELETE FROM yg_call_batch WHERE id IN (${inList(ids)})`)).affectedRows;
  }
}
