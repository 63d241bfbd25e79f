/**
 * SQLite through better-sqlite3: the embedded default store and a direct-connect engine.
 *
 * better-sqlite3 is synchronous and has one connection, so an open transaction must not see
 * statements of other requests: every call takes an async lock, and a transaction holds it
 * until it commits (https://www.sqlite.org/lang_transaction.html, BEGIN IMMEDIATE takes the
 * write lock up front so two processes on one file fail fast instead of deadlocking).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { sqlDateTime } from './datetime.js';
import { escapeLikeWith, integer, type Dialect } from './dialect.js';
import { raw, sql } from './sql.js';
import { BaseStore, classifyType, type Column, type ExecResult, type Executor, type Row } from './store.js';
import type { Rendered } from './sql.js';

export const sqliteDialect: Dialect = {
  name: 'sqlite',
  quoteIdent: (name) => `"${name}"`,
  placeholder: () => '?',
  // SQLITE_MAX_VARIABLE_NUMBER defaults to 32766 since 3.32; stay well below it.
  maxParams: 30000,
  randomOrder: raw('RANDOM()'),
  limitOffset: (limit, offset) => raw(` LIMIT ${integer(limit)} OFFSET ${integer(offset)}`),
  escapeLike: escapeLikeWith('%_'),
  likeEscapeClause: raw(` ESCAPE '!'`),
  functionNames: {},
  supportsSkipLocked: false,
  isRetryableConflict: (err) => (err as { code?: string })?.code === 'SQLITE_BUSY',
  // https://www.sqlite.org/rescode.html: NOT NULL and CHECK constraints, datatype mismatch.
  isValueRejected: (err) => ['SQLITE_CONSTRAINT_NOTNULL', 'SQLITE_CONSTRAINT_CHECK', 'SQLITE_MISMATCH'].includes((err as { code?: string })?.code ?? ''),
  isDuplicateKey: (err) => ['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY'].includes((err as { code?: string })?.code ?? ''),
};

/** A promise chain used as a mutex. */
class Lock {
  private tail: Promise<void> = Promise.resolve();
  run<T>(fn: () => Promise<T> | T): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}

/** SQLite binds neither booleans nor undefined; normalise values on the way in. */
function bindable(v: unknown): unknown {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v === undefined) return null;
  if (v instanceof Date) return sqlDateTime(v);
  return v;
}

function declaredLength(type: string): number | null {
  const m = /char\s*\(\s*(\d+)\s*\)/i.exec(type);
  return m ? Number(m[1]) : null;
}

export class SqliteStore extends BaseStore {
  readonly dialect = sqliteDialect;
  private readonly db: Database.Database;
  private readonly lock = new Lock();
  private readonly inTx = Symbol('tx');

  constructor(readonly path: string) {
    super();
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
  }

  private exec<T>(conn: unknown, fn: () => T): Promise<T> {
    // Inside a transaction the lock is already held by it.
    return conn === this.inTx ? Promise.resolve().then(fn) : this.lock.run(fn);
  }

  protected runQuery(r: Rendered, conn?: unknown): Promise<Row[]> {
    return this.exec(conn, () => {
      const stmt = this.db.prepare(r.text);
      const params = r.params.map(bindable);
      if (stmt.reader) return stmt.all(...params) as Row[];
      stmt.run(...params);
      return [];
    });
  }

  protected runExecute(r: Rendered, conn?: unknown): Promise<ExecResult> {
    return this.exec(conn, () => {
      const stmt = this.db.prepare(r.text);
      const params = r.params.map(bindable);
      if (stmt.reader) {
        stmt.all(...params);
        return { affectedRows: 0, insertId: null };
      }
      const info = stmt.run(...params);
      return { affectedRows: info.changes, insertId: info.changes > 0 ? Number(info.lastInsertRowid) : null };
    });
  }

  transaction<T>(fn: (tx: Executor) => Promise<T>): Promise<T> {
    return this.lock.run(async () => {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(this.executorOn(this.inTx));
        this.db.exec('COMMIT');
        return result;
      } catch (err) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw err;
      }
    });
  }

  protected async introspect(table: string): Promise<Column[]> {
    const rows = await this.query<{ name: string; type: string; notnull: number; pk: number }>(
      sql`SELECT name, type, "notnull", pk FROM pragma_table_info(${table})`,
    );
    return rows.map((r) => ({
      name: r.name,
      kind: classifyType(r.type),
      rawType: r.type.toLowerCase(),
      nullable: r.notnull === 0 && r.pk === 0,
      primaryKey: r.pk > 0,
      // SQLite stores any length whatever the declared type; yesgraph holds writes to the declared
      // VARCHAR(n)/CHAR(n) so that a table behaves the same here as on MySQL or SQL Server.
      maxLength: declaredLength(r.type),
    }));
  }

  /** Runs a script of several statements (migrations only). */
  async script(text: string): Promise<void> {
    await this.lock.run(() => this.db.exec(text));
  }

  async close(): Promise<void> {
    await this.lock.run(() => this.db.close());
  }
}
