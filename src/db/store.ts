/**
 * The one interface every engine implements. A Store is a pooled connection to one database;
 * an Executor is what a transaction callback receives (same calls, one connection).
 */
import type { Logger } from '../logger.js';
import type { Dialect } from './dialect.js';
import { raw, render, type Rendered, type Sql } from './sql.js';

export type Row = Record<string, unknown>;

/**
 * The database refused a value of a write (out of range, too long, wrong type, NULL): the
 * caller's input was wrong, so both faces answer a 400 (src/refusal.ts). The engine's message
 * stays in `cause`, for debugging; it is never answered.
 */
export class ValueRejectedError extends Error {
  constructor(cause: unknown) {
    super('the database refused a value', { cause });
    this.name = 'ValueRejectedError';
  }
}

/** A transaction may or may not have committed, and nothing can tell which. */
export class OutcomeUnknownError extends Error {
  constructor(options?: ErrorOptions) {
    super('the transaction may or may not have committed', options);
    this.name = 'OutcomeUnknownError';
  }
}

export interface ExecResult {
  readonly affectedRows: number;
  /** The generated id of an INSERT, where the engine reports one (SQLite, MySQL). */
  readonly insertId: number | null;
}

/** How yesgraph classifies a column's type, whatever the engine calls it. */
export type ColumnKind = 'integer' | 'decimal' | 'text' | 'datetime' | 'binary' | 'other';

export interface Column {
  readonly name: string;
  readonly kind: ColumnKind;
  /** The engine's own type name, lower case (e.g. `int`, `varchar`, `datetime2`). */
  readonly rawType: string;
  readonly nullable: boolean;
  readonly primaryKey: boolean;
  /** Most characters a text column holds, where the engine enforces it (null: unbounded or SQLite). */
  readonly maxLength: number | null;
}

export interface TableInfo {
  readonly name: string;
  readonly columns: readonly Column[];
  readonly byName: ReadonlyMap<string, Column>;
}

export function tableInfo(name: string, columns: Column[]): TableInfo {
  return { name, columns, byName: new Map(columns.map((c) => [c.name, c])) };
}

export interface Executor {
  readonly dialect: Dialect;
  query<T = Row>(q: Sql): Promise<T[]>;
  execute(q: Sql): Promise<ExecResult>;
}

/** One connection held for migrations (see `Store.withMigrationLock`). */
export interface MigrationSession extends Executor {
  /** Runs each statement as written, one by one, in order (DDL; no parameters). */
  runScript(statements: readonly string[]): Promise<void>;
}

/** How long `withMigrationLock` waits for another instance's migrations before giving up. */
export const MIGRATION_LOCK_TIMEOUT_MS = 60_000;

export class MigrationLockTimeoutError extends Error {
  constructor(options?: ErrorOptions) {
    super(`the migration lock is still held by another instance after ${MIGRATION_LOCK_TIMEOUT_MS / 1000} s`, options);
    this.name = 'MigrationLockTimeoutError';
  }
}

export type StatementListener = (statement: Rendered) => void;

/** A transaction run again after a write conflict (src/db/retry.ts). */
export interface RetryEvent {
  /** The write path that retries (`RetryPath` of src/db/retry.ts). */
  readonly path: string;
  /** The attempt that failed (1 for the first run). */
  readonly attempt: number;
  readonly error: unknown;
}

export type RetryListener = (event: RetryEvent) => void;

export interface Store extends Executor {
  /** Runs `fn` in one transaction; commits when it resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: Executor) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` in one transaction whose outcome the caller can trust: it resolves only if it
   * committed, and rejects with anything but OutcomeUnknownError only if it did not, even when
   * the connection dies during COMMIT (money must never move behind an error).
   */
  transactionKnownOutcome<T>(fn: (tx: Executor) => Promise<T>, log: Logger): Promise<T>;
  /** Columns of a table (cached briefly once found), or null when the table does not exist. */
  columns(table: string): Promise<TableInfo | null>;
  /** Forget cached columns (of one table, or all). */
  invalidateColumns(table?: string): void;
  /**
   * Runs `fn` on one session while holding this database's migration lock: another store on the
   * same database, in this process or another, waits until `fn` settles. Where the dialect
   * `supportsTransactionalDdl`, the session is one transaction, committed when `fn` resolves
   * and rolled back when it throws.
   */
  withMigrationLock<T>(fn: (session: MigrationSession) => Promise<T>): Promise<T>;
  /** Cheap round trip proving the database answers. */
  ping(): Promise<void>;
  close(): Promise<void>;
  /** Observe every statement sent (tests count round trips with it). Returns an unsubscribe. */
  onStatement(listener: StatementListener): () => void;
  /** Observe every conflict retried on this store (src/db/retry.ts). Returns an unsubscribe. */
  onRetry(listener: RetryListener): () => void;
  /** Tells the retry listeners that a write path retries a conflict. */
  noteRetry(event: RetryEvent): void;
}

const COLUMN_CACHE_MS = 30_000;

/**
 * What every engine shares: statement observers and the column cache. An engine supplies
 * the raw calls; `run*` hooks receive rendered text and parameters, and the engine's `Conn`
 * (one connection or transaction) or nothing for the pool.
 */
export abstract class BaseStore<Conn> implements Store {
  private readonly listeners = new Set<StatementListener>();
  private readonly retryListeners = new Set<RetryListener>();
  private readonly columnCache = new Map<string, { at: number; info: Promise<TableInfo | null> }>();

  abstract readonly dialect: Dialect;
  protected abstract runQuery(r: Rendered, conn?: Conn): Promise<Row[]>;
  protected abstract runExecute(r: Rendered, conn?: Conn): Promise<ExecResult>;
  protected abstract introspect(table: string): Promise<Column[]>;
  abstract transaction<T>(fn: (tx: Executor) => Promise<T>): Promise<T>;

  /** An embedded engine's COMMIT that throws did not commit: a plain transaction is enough. */
  transactionKnownOutcome<T>(fn: (tx: Executor) => Promise<T>, _log: Logger): Promise<T> {
    return this.transaction(fn);
  }
  abstract withMigrationLock<T>(fn: (session: MigrationSession) => Promise<T>): Promise<T>;
  abstract close(): Promise<void>;

  protected prepare(q: Sql): Rendered {
    const r = render(q, this.dialect);
    for (const l of this.listeners) l(r);
    return r;
  }

  private classify = (err: unknown): never => {
    throw this.dialect.isValueRejected(err) ? new ValueRejectedError(err) : err;
  };

  query<T = Row>(q: Sql): Promise<T[]> {
    return (this.runQuery(this.prepare(q)) as Promise<T[]>).catch(this.classify);
  }

  execute(q: Sql): Promise<ExecResult> {
    return this.runExecute(this.prepare(q)).catch(this.classify);
  }

  /** An Executor bound to one connection, for transactions. */
  protected executorOn(conn: Conn): Executor {
    return {
      dialect: this.dialect,
      query: <T = Row>(q: Sql) => (this.runQuery(this.prepare(q), conn) as Promise<T[]>).catch(this.classify),
      execute: (q: Sql) => this.runExecute(this.prepare(q), conn).catch(this.classify),
    };
  }

  /** A MigrationSession on one connection; `runText` sends one statement's text on it. */
  protected sessionOn(conn: Conn, runText: (text: string) => Promise<unknown>): MigrationSession {
    return {
      ...this.executorOn(conn),
      runScript: async (statements) => {
        for (const s of statements) await runText(this.prepare(raw(s)).text);
      },
    };
  }

  columns(table: string): Promise<TableInfo | null> {
    const hit = this.columnCache.get(table);
    if (hit && Date.now() - hit.at < COLUMN_CACHE_MS) return hit.info;
    const info = this.introspect(table).then((cols) => (cols.length ? tableInfo(table, cols) : null));
    this.columnCache.set(table, { at: Date.now(), info });
    // Only tables found are cached: one created a moment ago (the CLI, the owner) is seen at once.
    info.then((found) => found ?? this.columnCache.delete(table)).catch(() => this.columnCache.delete(table));
    return info;
  }

  invalidateColumns(table?: string): void {
    if (table === undefined) this.columnCache.clear();
    else this.columnCache.delete(table);
  }

  async ping(): Promise<void> {
    await this.runQuery({ text: 'SELECT 1 AS ok', params: [] });
  }

  onStatement(listener: StatementListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onRetry(listener: RetryListener): () => void {
    this.retryListeners.add(listener);
    return () => this.retryListeners.delete(listener);
  }

  noteRetry(event: RetryEvent): void {
    for (const l of this.retryListeners) l(event);
  }
}

/** Maps an engine's type name to a ColumnKind. */
export function classifyType(rawType: string): ColumnKind {
  const t = rawType.toLowerCase().replace(/\(.*$/, '').replace(/ unsigned| signed| zerofill/g, '').trim();
  if (/^(tinyint|smallint|mediumint|int|integer|bigint|bit|serial)$/.test(t)) return 'integer';
  if (/^(decimal|numeric|float|double|real|money|smallmoney|double precision)$/.test(t)) return 'decimal';
  if (/^(date|datetime|datetime2|smalldatetime|datetimeoffset|timestamp|time|year)$/.test(t)) return 'datetime';
  if (/^(binary|varbinary|blob|tinyblob|mediumblob|longblob|image)$/.test(t)) return 'binary';
  if (/(char|text|clob|enum|set|json|uniqueidentifier|xml|string)/.test(t) || t === '') return 'text';
  return 'other';
}
