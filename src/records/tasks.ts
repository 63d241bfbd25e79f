/**
 * The task table (`yg_task`, migration 011): creating a task, reading it for its app, and the
 * worker's side — claiming the next task with the same skip-locked pop as FreePopOne, renewing
 * the lease with progress and a checkpoint, finishing, failing and handing a task back. Every
 * write of a worker names its lease (`lease_owner` and status `running`): a worker that lost
 * its task (cancelled, or taken up by another after its lease passed) changes nothing.
 */
import { randomHex } from '../crypto.js';
import { sqlNow } from '../db/datetime.js';
import { retryConflicts } from '../db/retry.js';
import { empty, inList, sql, type Sql } from '../db/sql.js';
import type { Store } from '../db/store.js';

export type TaskStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export const TASK_STATUSES: readonly TaskStatus[] = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];

export interface Task {
  readonly id: string;
  readonly appId: number;
  /** The member who started it; '' for none. */
  readonly ownerUuid: string;
  readonly kind: string;
  readonly params: unknown;
  readonly status: TaskStatus;
  readonly progress: number;
  readonly result: unknown;
  readonly error: string | null;
  readonly checkpoint: unknown;
  readonly attempts: number;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
}

interface Raw {
  id: string;
  app_id: number | string;
  owner_uuid: string;
  kind: string;
  params: string;
  status: string;
  progress: number | string;
  result: string | null;
  error: string | null;
  checkpoint: string | null;
  attempts: number | string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

const COLUMNS = sql`id, app_id, owner_uuid, kind, params, status, progress, result, error, checkpoint, attempts, created_at, started_at, finished_at`;

// Stryker disable next-line ConditionalExpression: JSON.parse(null) is null too (a shortcut)
const parse = (text: string | null): unknown => (text === null ? null : JSON.parse(text));
// Stryker disable next-line ConditionalExpression,MethodExpression: columns are never undefined; both drivers answer DATETIME as 19 characters
const time = (v: unknown): string | null => (v === null || v === undefined ? null : String(v).slice(0, 19));

function toTask(r: Raw): Task {
  return {
    id: r.id,
    appId: Number(r.app_id),
    ownerUuid: r.owner_uuid,
    kind: r.kind,
    params: parse(r.params),
    status: (TASK_STATUSES as readonly string[]).includes(r.status) ? (r.status as TaskStatus) : 'failed',
    progress: Number(r.progress),
    result: parse(r.result),
    error: r.error,
    checkpoint: parse(r.checkpoint),
    attempts: Number(r.attempts),
    createdAt: time(r.created_at)!,
    startedAt: time(r.started_at),
    finishedAt: time(r.finished_at),
  };
}

/** A task id: 128 random bits as 32 hex characters. */
export const TASK_ID = /^[0-9a-f]{32}$/;

/** What `claim` found: a task to run, one that used up its attempts (now failed), or nothing. */
export type Claim = { readonly task: Task } | { readonly exhausted: Task } | null;

export class TaskRecords {
  constructor(private readonly main: Store) {}

  async create(input: { appId: number; ownerUuid: string; kind: string; params: unknown }): Promise<Task> {
    const id = randomHex(16);
    await this.main.execute(
      sql`INSERT INTO yg_task (id, app_id, owner_uuid, kind, params, status, progress, attempts, created_at) VALUES (${id}, ${input.appId}, ${input.ownerUuid}, ${input.kind}, ${JSON.stringify(input.params)}, 'queued', 0, 0, ${sqlNow()})`,
    );
    return (await this.find(id))!;
  }

  async find(id: string): Promise<Task | null> {
    if (!TASK_ID.test(id)) return null;
    const [row] = await this.main.query<Raw>(sql`SELECT ${COLUMNS} FROM yg_task WHERE id = ${id}`);
    return row ? toTask(row) : null;
  }

  /** The newest tasks of an app a caller may see: ownerless ones and `ownerUuid`'s. */
  async list(appId: number, ownerUuid: string, limit: number): Promise<Task[]> {
    const owner = ownerUuid ? sql`(owner_uuid = '' OR owner_uuid = ${ownerUuid})` : sql`owner_uuid = ''`;
    const rows = await this.main.query<Raw>(
      sql`SELECT ${COLUMNS} FROM yg_task WHERE app_id = ${appId} AND ${owner} ORDER BY created_at DESC, id DESC${this.main.dialect.limitOffset(limit, 0)}`,
    );
    return rows.map(toTask);
  }

  /** Cancels a queued or running task; false when it had already ended. */
  async cancel(id: string): Promise<boolean> {
    const { affectedRows } = await this.main.execute(
      sql`UPDATE yg_task SET status = 'cancelled', finished_at = ${sqlNow()}, lease_owner = NULL, lease_until = NULL WHERE id = ${id} AND status IN ('queued', 'running')`,
    );
    return affectedRows > 0;
  }

  /**
   * Takes the oldest queued task, or a running one whose lease has passed, for `worker` until
   * `leaseMs` from now. One transaction that locks the row it reads: SKIP LOCKED where the engine
   * has it (concurrent claims take different tasks), BEGIN IMMEDIATE on SQLite (claims run one
   * at a time, across processes too). A task already tried `maxAttempts` times is failed instead,
   * with the error `abandoned(attempts)`. A claim that loses a write conflict (two claims on one
   * row of a cluster's different nodes) is run again (src/db/retry.ts).
   */
  async claim(worker: string, leaseMs: number, maxAttempts: number, abandoned: (attempts: number) => string, now = new Date()): Promise<Claim> {
    return retryConflicts(this.main, 'task_claim', () => this.claimOnce(worker, leaseMs, maxAttempts, abandoned, now));
  }

  private claimOnce(worker: string, leaseMs: number, maxAttempts: number, abandoned: (attempts: number) => string, now: Date): Promise<Claim> {
    return this.main.transaction(async (tx) => {
      const lock = tx.dialect.skipLocked ?? { hint: empty, suffix: empty };
      const at = sqlNow(now);
      // Two reads, each served in order by ix_task_claim (status, created_at), so a locking read
      // locks the one row it answers. One read with `queued OR lapsed` sorts every queued row
      // and locks them all: a concurrent claim then skips the whole queue and finds nothing.
      // Lapsed leases first, so a task whose worker died is not starved by a busy queue.
      const first = (where: Sql) =>
        tx.query<Raw>(sql`SELECT ${COLUMNS} FROM yg_task${lock.hint} WHERE ${where} ORDER BY created_at ASC, id ASC${tx.dialect.limitOffset(1, 0)}${lock.suffix}`);
      const lapsed = await first(sql`status = 'running' AND lease_until < ${at}`);
      const [row] = lapsed.length ? lapsed : await first(sql`status = 'queued'`);
      if (!row) return null;
      const task = toTask(row);
      if (task.attempts >= maxAttempts) {
        await tx.execute(
          sql`UPDATE yg_task SET status = 'failed', error = ${abandoned(task.attempts)}, finished_at = ${at}, lease_owner = NULL, lease_until = NULL WHERE id = ${task.id}`,
        );
        return { exhausted: task };
      }
      const until = sqlNow(new Date(now.getTime() + leaseMs));
      await tx.execute(
        sql`UPDATE yg_task SET status = 'running', attempts = attempts + 1, lease_owner = ${worker}, lease_until = ${until}, started_at = COALESCE(started_at, ${at}) WHERE id = ${task.id}`,
      );
      return { task: { ...task, status: 'running', attempts: task.attempts + 1, startedAt: task.startedAt ?? at } };
    });
  }

  /**
   * Renews the lease, raising progress (never lowering it) and saving the checkpoint when given.
   * False when the worker no longer holds the task.
   */
  async heartbeat(id: string, worker: string, leaseMs: number, progress?: number, checkpoint?: unknown): Promise<boolean> {
    const until = sqlNow(new Date(Date.now() + leaseMs));
    const p = progress === undefined ? empty : sql`, progress = CASE WHEN progress < ${progress} THEN ${progress} ELSE progress END`;
    const c = checkpoint === undefined ? empty : sql`, checkpoint = ${JSON.stringify(checkpoint)}`;
    const { affectedRows } = await this.main.execute(sql`UPDATE yg_task SET lease_until = ${until}${p}${c} WHERE ${this.held(id, worker)}`);
    return affectedRows > 0;
  }

  async succeed(id: string, worker: string, result: unknown): Promise<boolean> {
    const { affectedRows } = await this.main.execute(
      sql`UPDATE yg_task SET status = 'succeeded', progress = 100, result = ${JSON.stringify(result)}, error = NULL, finished_at = ${sqlNow()}, lease_owner = NULL, lease_until = NULL WHERE ${this.held(id, worker)}`,
    );
    return affectedRows > 0;
  }

  /** Failed for good, or (retry) queued again with the error kept for the caller to see. */
  async fail(id: string, worker: string, error: string, retry: boolean): Promise<boolean> {
    const end = retry ? sql`status = 'queued'` : sql`status = 'failed', finished_at = ${sqlNow()}`;
    const { affectedRows } = await this.main.execute(sql`UPDATE yg_task SET ${end}, error = ${error}, lease_owner = NULL, lease_until = NULL WHERE ${this.held(id, worker)}`);
    return affectedRows > 0;
  }

  /** Queued again at its checkpoint (shutdown); the attempt does not count. */
  async handBack(id: string, worker: string): Promise<boolean> {
    const { affectedRows } = await this.main.execute(
      sql`UPDATE yg_task SET status = 'queued', attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END, lease_owner = NULL, lease_until = NULL WHERE ${this.held(id, worker)}`,
    );
    return affectedRows > 0;
  }

  /** The app_key of the task's app (the worker builds the app's context from it); null once removed. */
  async appKeyOf(appId: number): Promise<string | null> {
    const [row] = await this.main.query<{ app_key: string }>(sql`SELECT app_key FROM yg_app WHERE id = ${appId}`);
    return row?.app_key ?? null;
  }

  /** Deletes at most `batch` tasks that ended before `before` (sqlDateTime); answers their ids. */
  async pruneEnded(before: string, batch: number): Promise<string[]> {
    const rows = await this.main.query<{ id: string }>(
      sql`SELECT id FROM yg_task WHERE status IN ('succeeded', 'failed', 'cancelled') AND finished_at < ${before} ORDER BY finished_at, id${this.main.dialect.limitOffset(batch, 0)}`,
    );
    if (!rows.length) return [];
    const ids = rows.map((r) => r.id);
    await this.main.execute(sql`DELETE FROM yg_task WHERE id IN (${inList(ids)}) AND status IN ('succeeded', 'failed', 'cancelled')`);
    return ids;
  }

  /** Of these ids, the tasks still queued or running (their part files are still needed). */
  async unfinished(ids: readonly string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    const rows = await this.main.query<{ id: string }>(sql`SELECT id FROM yg_task WHERE id IN (${inList(ids)}) AND status IN ('queued', 'running')`);
    return new Set(rows.map((r) => r.id));
  }

  private held(id: string, worker: string) {
    return sql`id = ${id} AND status = 'running' AND lease_owner = ${worker}`;
  }
}
