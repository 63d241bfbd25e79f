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
import { empty, raw, sql } from './sql.js';
import {
  BaseStore,
  classifyType,
  MIGRATION_LOCK_TIMEOUT_MS,
  MigrationLockTimeoutError,
  type Column,
  type ExecResult,
  type Executor,
  type MigrationSession,
  type Row,
} from './store.js';
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
  equalsPadsSpaces: false,
  functionNames: {},
  supportsTransactionalDdl: true,
  rowLock: { hint: empty, suffix: empty },
  // better-sqlite3 binds a BigInt as a 64-bit integer, but answers integers as JS numbers.
  integerParam: (value) => sql`${value}`,
  exactInteger: (column) => sql`CAST(${column} AS TEXT)`,
  ddl: {
    autoId: 'id INTEGER PRIMARY KEY AUTOINCREMENT',
    // INTEGER (not INT) makes a 64-bit integer column, whatever width was declared.
    type: (declared) => (declared === 'int' || declared === 'bigint' ? 'INTEGER' : declared.toUpperCase()),
    tableOptions: '',
  },
  skipLocked: null,
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

/** The one connection, inside the transaction that holds the store's lock. */
const IN_TX: unique symbol = Symbol('in transaction');
type InTx = typeof IN_TX;

const BUSY_TIMEOUT_MS = 5000;
const MIGRATION_LOCK_POLL_MS = 25;

/** Most prepared statements kept per store: texts differ by the length of their IN lists. */
const STATEMENT_CACHE = 500;

/**
 * A prepared statement, and for a reader whose result columns its text names, those names: its
 * rows are then read as arrays and made objects here. better-sqlite3 builds a row object through
 * V8's C++ API, one property at a time, which costs more (`npm run bench:sqlite-rows`: 190 rows of
 * 4 columns, 189 µs of CPU as its objects, 127 through the store).
 */
interface Prepared {
  readonly stmt: Database.Statement;
  readonly names: readonly string[] | null;
}

/**
 * The result column names of a reader whose text names them, or null: with a `*` in the text the
 * rows come as better-sqlite3's own objects, since a table's columns can change under a prepared
 * statement and SQLite re-prepares it with the new ones (COUNT(*) lands here too: one row).
 */
function namesOf(stmt: Database.Statement, text: string): readonly string[] | null {
  return stmt.reader && !text.includes('*') ? stmt.columns().map((c) => c.name) : null;
}

/**
 * Rows read as arrays, as the objects better-sqlite3 would answer: its C++ sets each column as
 * this assignment does (a later column of the same name wins; one named __proto__ behaves alike).
 */
function rowsOf(names: readonly string[], arrays: readonly unknown[][]): Row[] {
  const rows = new Array<Row>(arrays.length);
  for (let i = 0; i < arrays.length; i++) {
    const values = arrays[i]!;
    const row: Row = {};
    for (let j = 0; j < names.length; j++) row[names[j]!] = values[j];
    rows[i] = row;
  }
  return rows;
}

export class SqliteStore extends BaseStore<InTx> {
  readonly dialect = sqliteDialect;
  private readonly db: Database.Database;
  private readonly lock = new Lock();
  /** Prepared statements by SQL text, least recently used first (SQLite re-prepares one after a schema change). */
  private readonly statements = new Map<string, Prepared>();

  constructor(readonly path: string) {
    super();
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    // First, so that switching a new file to WAL waits for another process opening it too.
    this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('foreign_keys = ON');
  }

  private statement(text: string): Prepared {
    let prepared = this.statements.get(text);
    if (prepared) {
      this.statements.delete(text);
    } else {
      const stmt = this.db.prepare(text);
      const names = namesOf(stmt, text);
      if (names) stmt.raw(true);
      prepared = { stmt, names };
      if (this.statements.size >= STATEMENT_CACHE) this.statements.delete(this.statements.keys().next().value!);
    }
    this.statements.set(text, prepared);
    return prepared;
  }

  private exec<T>(conn: InTx | undefined, fn: () => T): Promise<T> {
    // Inside a transaction the lock is already held by it.
    return conn === IN_TX ? Promise.resolve().then(fn) : this.lock.run(fn);
  }

  protected runQuery(r: Rendered, conn?: InTx): Promise<Row[]> {
    return this.exec(conn, () => {
      const { stmt, names } = this.statement(r.text);
      const params = r.params.map(bindable);
      if (names) return rowsOf(names, stmt.all(...params) as unknown[][]);
      if (stmt.reader) return stmt.all(...params) as Row[];
      stmt.run(...params);
      return [];
    });
  }

  protected runExecute(r: Rendered, conn?: InTx): Promise<ExecResult> {
    return this.exec(conn, () => {
      const { stmt } = this.statement(r.text);
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
    return this.lock.run(() => {
      this.db.exec('BEGIN IMMEDIATE');
      return this.commitOrRollback(() => fn(this.executorOn(IN_TX)));
    });
  }

  /**
   * The migration lock is the database file's write lock, taken by BEGIN IMMEDIATE and held
   * until the migrations commit. It is polled rather than waited for with busy_timeout, which
   * would block the event loop, and with it another store of this process that holds the lock.
   */
  withMigrationLock<T>(fn: (session: MigrationSession) => Promise<T>): Promise<T> {
    return this.lock.run(async () => {
      const deadline = Date.now() + MIGRATION_LOCK_TIMEOUT_MS;
      this.db.pragma('busy_timeout = 0');
      try {
        for (;;) {
          try {
            this.db.exec('BEGIN IMMEDIATE');
            break;
          } catch (err) {
            if (!this.dialect.isRetryableConflict(err)) throw err;
            if (Date.now() > deadline) throw new MigrationLockTimeoutError({ cause: err });
            await new Promise((resolve) => setTimeout(resolve, MIGRATION_LOCK_POLL_MS));
          }
        }
      } finally {
        this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      }
      return this.commitOrRollback(() => fn(this.sessionOn(IN_TX, async (text) => this.db.exec(text))));
    });
  }

  /** Ends the transaction the caller began: COMMIT when `fn` resolves, ROLLBACK when it throws. */
  private async commitOrRollback<T>(fn: () => Promise<T>): Promise<T> {
    try {
      const result = await fn();
      this.db.exec('COMMIT');
      return result;
    } catch (err) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw err;
    }
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

  async close(): Promise<void> {
    await this.lock.run(() => this.db.close());
  }
}
