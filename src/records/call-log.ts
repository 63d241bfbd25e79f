/**
 * The call log's table (`yg_call_log`, migration 009): multi-row inserts for the batching writer
 * (src/telemetry/call-log.ts), the newest rows for `yesgraph log tail`, per-service figures for
 * `yesgraph log stats`, and pruning in small batches. A row says who called what and how it went;
 * it has no column a parameter could reach, so no secret, sign, token or password is ever stored.
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
  readonly id: number;
}

/** Column limits of yg_call_log: values are cut to them before they are written. */
export const CALL_LOG_LIMITS = { appKey: 32, service: 128, ip: 45, memberUuid: 32 } as const;

/** Values per row of an INSERT. */
const PER_ROW = 9;

interface Raw {
  id: number | string;
  at: string;
  app_key: string | null;
  face: string;
  service: string | null;
  ret: number | string;
  err_code: number | string | null;
  duration_us: number | string;
  ip: string | null;
  member_uuid: string | null;
}

const SELECT = sql`SELECT id, at, app_key, face, service, ret, err_code, duration_us, ip, member_uuid FROM yg_call_log`;


function toCall(r: Raw): LoggedCall {
  return {
    id: Number(r.id),
    at: String(r.at).slice(0, 19),
    appKey: r.app_key,
    face: r.face === 'graphql' ? 'graphql' : 'legacy',
    service: r.service,
    ret: Number(r.ret),
    errCode: r.err_code === null ? null : Number(r.err_code),
    durationUs: Number(r.duration_us),
    ip: r.ip,
    memberUuid: r.member_uuid,
  };
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

export class CallLogRecords {
  constructor(private readonly main: Store) {}

  /** Most rows one INSERT carries within the engine's bound-parameter limit. */
  get rowsPerStatement(): number {
    return Math.min(1000, Math.floor(this.main.dialect.maxParams / PER_ROW));
  }

  /**
   * Writes the rows in multi-row INSERTs of power-of-two lengths (`powerOfTwoRuns`), so that
   * batches of every size share a handful of prepared statements.
   */
  async insert(rows: readonly CallRow[]): Promise<void> {
    let i = 0;
    for (const run of powerOfTwoRuns(rows.length, this.rowsPerStatement)) {
      const values = rows.slice(i, i + run).map((r) => [r.at, r.appKey, r.face, r.service, r.ret, r.errCode, r.durationUs, r.ip, r.memberUuid]);
      i += run;
      await this.main.execute(sql`INSERT INTO yg_call_log (at, app_key, face, service, ret, err_code, duration_us, ip, member_uuid) VALUES ${valueRows(values)}`);
    }
  }

  /** The newest `limit` rows (of one app, after an id when following), oldest first. */
  async latest(options: { appKey?: string; limit: number; afterId?: number }): Promise<LoggedCall[]> {
    const where: Sql[] = [];
    if (options.appKey !== undefined) where.push(sql`app_key = ${options.appKey}`);
    if (options.afterId !== undefined) where.push(sql`id > ${options.afterId}`);
    const filter = where.length ? sql` WHERE ${join(where, ' AND ')}` : empty;
    const rows = await this.main.query<Raw>(sql`${SELECT}${filter} ORDER BY id DESC${this.main.dialect.limitOffset(options.limit, 0)}`);
    return rows.map(toCall).reverse();
  }

  /** Per face and service since `since` (sqlDateTime): calls, refusals, failures, p50 and p99 duration. */
  async figures(appKey: string, since: string): Promise<ServiceFigures[]> {
    const groups = await this.main.query<{ face: string; service: string | null; calls: number | string; refused: number | string; failed: number | string }>(
      sql`SELECT face, service, COUNT(*) AS calls,
  SUM(CASE WHEN ret <> 200 THEN 1 ELSE 0 END) AS refused,
  SUM(CASE WHEN ret = 200 AND err_code <> 0 THEN 1 ELSE 0 END) AS failed
FROM yg_call_log WHERE app_key = ${appKey} AND at >= ${since} GROUP BY face, service ORDER BY calls DESC, face, service`,
    );
    const figures: ServiceFigures[] = [];
    for (const g of groups) {
      const calls = Number(g.calls);
      const of = sql`app_key = ${appKey} AND at >= ${since} AND face = ${g.face} AND ${g.service === null ? sql`service IS NULL` : sql`service = ${g.service}`}`;
      figures.push({
        face: g.face === 'graphql' ? 'graphql' : 'legacy',
        service: g.service,
        calls,
        refused: Number(g.refused),
        failed: Number(g.failed),
        p50Us: await this.percentile(of, calls, 0.5),
        p99Us: await this.percentile(of, calls, 0.99),
      });
    }
    return figures;
  }

  /** The nearest-rank percentile of duration_us among the `n` rows `of` selects. */
  private async percentile(of: Sql, n: number, p: number): Promise<number> {
    const rank = Math.max(1, Math.ceil(p * n));
    const [row] = await this.main.query<{ duration_us: number | string }>(
      sql`SELECT duration_us FROM yg_call_log WHERE ${of} ORDER BY duration_us${this.main.dialect.limitOffset(1, rank - 1)}`,
    );
    return row ? Number(row.duration_us) : 0;
  }

  /** Accepted calls (`ret` = 200) of the app since `since`. */
  async accepted(appKey: string, since: string): Promise<number> {
    const [row] = await this.main.query<{ n: number | string }>(sql`SELECT COUNT(*) AS n FROM yg_call_log WHERE app_key = ${appKey} AND at >= ${since} AND ret = 200`);
    return Number(row?.n ?? 0);
  }

  /** Deletes at most `batch` rows older than `before` (sqlDateTime), oldest first; answers how many. */
  async prune(before: string, batch: number): Promise<number> {
    const old = await this.main.query<{ id: number | string }>(sql`SELECT id FROM yg_call_log WHERE at < ${before} ORDER BY at, id${this.main.dialect.limitOffset(batch, 0)}`);
    if (!old.length) return 0;
    const ids = old.map((r) => Number(r.id));
    return (await this.main.execute(sql`DELETE FROM yg_call_log WHERE id IN (${inList(ids)})`)).affectedRows;
  }
}
