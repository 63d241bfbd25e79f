/**
 * MySQL and MariaDB through mysql2 (pooled): the production main store and a direct-connect
 * engine.
 *
 * Quirks handled here:
 * - `dateStrings`: DATETIME values come back as the text the platform shows
 *   ('2018-12-02 11:21:27'), not as JS Dates shifted by the client's time zone.
 * - `supportBigNumbers`/`bigNumberStrings`: BIGINT and DECIMAL values outside 2^53 stay exact.
 * - Deadlock (1213) and lock wait timeout (1205) abort a transaction; callers may retry
 *   (https://dev.mysql.com/doc/refman/8.0/en/innodb-deadlocks-handling.html).
 */
import mysql from 'mysql2/promise';
import { escapeLikeWith, integer, type Dialect } from './dialect.js';
import type { Logger } from '../logger.js';
import { galeraKnownOutcome, isGaleraNode } from './galera.js';
import { withClusterMigrationLock, type LockSql } from './migration-lock.js';
import { xaTransaction } from './mysql-xa.js';
import { empty, raw, sql, type Rendered } from './sql.js';
import {
  BaseStore,
  classifyType,
  MIGRATION_LOCK_TIMEOUT_MS,
  MigrationLockTimeoutError,
  OutcomeUnknownError,
  type Column,
  type ExecResult,
  type Executor,
  type MigrationSession,
  type Row,
} from './store.js';

export const mysqlDialect: Dialect = {
  name: 'mysql',
  quoteIdent: (name) => `\`${name}\``,
  placeholder: () => '?',
  // The protocol allows 65535 placeholders per prepared statement.
  maxParams: 65535,
  randomOrder: raw('RAND()'),
  // Inlined (validated integers): MySQL 8 rejects a DOUBLE-typed LIMIT placeholder.
  limitOffset: (limit, offset) => raw(` LIMIT ${integer(limit)} OFFSET ${integer(offset)}`),
  escapeLike: escapeLikeWith('%_'),
  likeEscapeClause: raw(` ESCAPE '!'`),
  equalsPadsSpaces: true,
  functionNames: { LENGTH: 'CHAR_LENGTH' },
  // https://dev.mysql.com/doc/refman/8.0/en/implicit-commit.html
  supportsTransactionalDdl: false,
  // MariaDB 10.6+ and MySQL 8.0+.
  rowLock: { hint: empty, suffix: raw(' FOR UPDATE') },
  integerParam: (value) => sql`CAST(${value.toString()} AS SIGNED)`,
  // bigNumberStrings answers BIGINT as text already.
  exactInteger: (column) => column,
  // MariaDB 10.6+ and MySQL 8.0+.
  ddl: { autoId: 'id BIGINT AUTO_INCREMENT PRIMARY KEY', type: (declared) => declared.toUpperCase(), tableOptions: ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4' },
  skipLocked: { hint: empty, suffix: raw(' FOR UPDATE SKIP LOCKED') },
  isRetryableConflict: (err) => {
    const errno = (err as { errno?: number })?.errno;
    return errno === 1213 || errno === 1205;
  },
  // Strict mode refusals: 1048 NULL, 1264 out of range, 1292/1366 incorrect value, 1406 too long.
  isValueRejected: (err) => [1048, 1264, 1292, 1366, 1406].includes((err as { errno?: number })?.errno ?? 0),
  // ER_DUP_ENTRY
  isDuplicateKey: (err) => (err as { errno?: number })?.errno === 1062,
};

/**
 * GET_LOCK names are server-wide and at most 64 characters: one lock per database, so that
 * databases on one server migrate independently (a truncated name can only make two wait).
 */
const MIGRATION_LOCK = `LEFT(CONCAT('yesgraph_migrate.', DATABASE()), 64)`;

/** mysql2 binds undefined as an error and booleans as 'true'; normalise on the way in. */
function bindable(v: unknown): unknown {
  if (v === undefined) return null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return v;
}

/** mysql2's callback API, under its promise wrapper (which captures a stack trace on every call). */
interface CoreExecutable {
  execute(sql: string, values: unknown[], done: (err: Error | null, result: unknown) => void): void;
}

export class MysqlStore extends BaseStore<mysql.PoolConnection> {
  readonly dialect = mysqlDialect;
  private readonly pool: mysql.Pool;
  /** Whether the server is a Galera node: asked once, on first need (galera.ts). */
  private galera: Promise<boolean> | undefined;

  constructor(url: string, options: { connectionLimit?: number } = {}) {
    super();
    this.pool = mysql.createPool({
      uri: url,
      connectionLimit: options.connectionLimit ?? 10,
      dateStrings: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
      charset: 'utf8mb4',
      timezone: 'Z',
      connectTimeout: 5000,
      enableKeepAlive: true,
      // Each connection keeps this many prepared statements (an LRU, closed on the server when
      // evicted). The server allows max_prepared_stmt_count (16,382 by default) in all, shared by
      // every connection of every instance: 10 connections × 128 leave room for dozens of
      // instances. yesgraph's own statements are a few dozen texts (IN lists and multi-row
      // INSERTs come in power-of-two lengths, src/db/sql.ts); the condition language's shapes
      // come and go through the LRU.
      maxPreparedStatements: 128,
    });
    // READ COMMITTED: every transaction of yesgraph locks the rows it needs explicitly (FOR
    // UPDATE, SKIP LOCKED) and none relies on repeatable reads; without REPEATABLE READ's gap
    // locks, concurrent pops and task claims stop deadlocking each other (12 claimers over 150
    // tasks: about 200 deadlocks under REPEATABLE READ, none under READ COMMITTED). Sent first
    // on each new connection, before anything else it runs. Binary logging must then be ROW or
    // MIXED (the defaults of MariaDB and MySQL 8), as for any READ COMMITTED writer.
    this.pool.on('connection', (conn) => {
      (conn as unknown as { query(sql: string, done: (err: unknown) => void): void }).query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED', () => undefined);
    });
  }

  /**
   * One statement as a server-side prepared statement: values never pass through client-side
   * escaping, which would be unsafe under the NO_BACKSLASH_ESCAPES sql_mode; mysql2 keeps an LRU
   * of them per connection. Sent through the callback API: the same driver errors, without the
   * promise wrapper's stack capture, which costs more than the rest of a small query's client work.
   * The text and values go as two arguments: handed one options object, mysql2 spreads it into
   * a copy of its own, which cost 6–17 µs more CPU per statement (16 callers of a two-value SELECT).
   */
  private send(r: Rendered, conn?: mysql.PoolConnection): Promise<unknown> {
    const core = (conn ? conn.connection : this.pool.pool) as unknown as CoreExecutable;
    return new Promise((resolve, reject) => {
      core.execute(r.text, r.params.map(bindable), (err, result) => (err ? reject(err) : resolve(result)));
    });
  }

  protected async runQuery(r: Rendered, conn?: mysql.PoolConnection): Promise<Row[]> {
    const rows = await this.send(r, conn);
    return Array.isArray(rows) ? (rows as Row[]) : [];
  }

  protected async runExecute(r: Rendered, conn?: mysql.PoolConnection): Promise<ExecResult> {
    const h = (await this.send(r, conn)) as mysql.ResultSetHeader;
    return { affectedRows: h.affectedRows ?? 0, insertId: h.insertId ? Number(h.insertId) : null };
  }

  /**
   * An XA transaction, settled from another connection when COMMIT's answer is lost (mysql-xa.ts);
   * on a Galera node, which refuses XA, a plain transaction decided by certification (galera.ts).
   */
  override async transactionKnownOutcome<T>(fn: (tx: Executor) => Promise<T>, log: Logger): Promise<T> {
    if (!(await this.isGalera())) return xaTransaction(this, (body) => this.onSession(body), log, fn);
    const conn = await this.pool.getConnection();
    let reusable = true;
    try {
      return await galeraKnownOutcome(conn, () => fn(this.executorOn(conn)));
    } catch (err) {
      if (err instanceof OutcomeUnknownError) reusable = false;
      throw err;
    } finally {
      if (reusable) conn.release();
      else conn.destroy();
    }
  }

  /** Whether this store's server is a Galera node; a failed probe is asked again next time. */
  private isGalera(conn?: mysql.PoolConnection): Promise<boolean> {
    this.galera ??= (conn ? isGaleraNode(conn) : this.pool.getConnection().then((c) => isGaleraNode(c).finally(() => c.release()))).catch((err: unknown) => {
      this.galera = undefined;
      throw err;
    });
    return this.galera;
  }

  /** `body` on one pooled connection, with the connection's server thread id. */
  private async onSession<R>(body: (tx: Executor, threadId: number) => Promise<R>): Promise<R> {
    const conn = await this.pool.getConnection();
    try {
      return await body(this.executorOn(conn), conn.threadId);
    } finally {
      conn.release();
    }
  }

  async transaction<T>(fn: (tx: Executor) => Promise<T>): Promise<T> {
    const conn = await this.pool.getConnection();
    try {
      await conn.beginTransaction();
      try {
        const result = await fn(this.executorOn(conn));
        await conn.commit();
        return result;
      } catch (err) {
        await conn.rollback().catch(() => undefined);
        throw err;
      }
    } finally {
      conn.release();
    }
  }

  protected async introspect(table: string): Promise<Column[]> {
    const rows = await this.query<{
      name: string;
      dataType: string;
      nullable: string;
      columnKey: string;
      maxLength: number | string | null;
    }>(sql`SELECT COLUMN_NAME AS name, DATA_TYPE AS dataType, IS_NULLABLE AS nullable, COLUMN_KEY AS columnKey,
CHARACTER_MAXIMUM_LENGTH AS maxLength
FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ${table}
ORDER BY ORDINAL_POSITION`);
    return rows.map((r) => ({
      name: r.name,
      kind: classifyType(r.dataType),
      rawType: r.dataType.toLowerCase(),
      nullable: r.nullable === 'YES',
      primaryKey: r.columnKey === 'PRI',
      maxLength: r.maxLength === null ? null : Number(r.maxLength),
    }));
  }

  /**
   * GET_LOCK on one connection, which runs the migrations: the server releases the lock itself
   * if this process dies (https://mariadb.com/kb/en/get_lock/). GET_LOCK is local to one node of
   * a Galera cluster: there the lock is a replicated row (migration-lock.ts).
   */
  async withMigrationLock<T>(fn: (session: MigrationSession) => Promise<T>): Promise<T> {
    const conn = await this.pool.getConnection();
    let reusable = true;
    try {
      if (await this.isGalera(conn)) {
        const on =
          (c: Pick<mysql.PoolConnection, 'query'>): LockSql =>
          async (text, values) =>
            (await c.query(text, values))[0] as mysql.ResultSetHeader;
        const renew: LockSql = (text, values) => on(this.pool)(text, values);
        // The session may be left with wsrep_sync_wait set: it never goes back to the pool.
        reusable = false;
        return await withClusterMigrationLock(on(conn), renew, () => fn(this.sessionOn(conn, (text) => conn.query(text))));
      }
      const [rows] = await conn.query(`SELECT GET_LOCK(${MIGRATION_LOCK}, ?) AS got`, [MIGRATION_LOCK_TIMEOUT_MS / 1000]);
      if ((rows as Array<{ got: number | null }>)[0]?.got !== 1) throw new MigrationLockTimeoutError();
      try {
        return await fn(this.sessionOn(conn, (text) => conn.query(text)));
      } finally {
        // A connection that may still hold the lock never goes back to the pool.
        await conn.query(`SELECT RELEASE_LOCK(${MIGRATION_LOCK})`).catch(() => (reusable = false));
      }
    } finally {
      if (reusable) conn.release();
      else conn.destroy();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
