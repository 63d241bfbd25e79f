/**
 * SQL Server through mssql/tedious (pooled): a direct-connect engine.
 *
 * Quirks handled here:
 * - Parameters are named `@p1…@pN`; one statement takes at most 2100
 *   (https://learn.microsoft.com/sql/sql-server/maximum-capacity-specifications-for-sql-server).
 * - No LIMIT: `OFFSET … ROWS FETCH NEXT … ROWS ONLY`, which needs an ORDER BY.
 * - LIKE treats `[` as a character class opener, so it is escaped too.
 * - Deadlock victim is error 1205; lock request timeout is 1222.
 */
import { createRequire } from 'node:module';
import type mssql from 'mssql';
import { escapeLikeWith, integer, type Dialect } from './dialect.js';
import { empty, raw, sql, type Rendered } from './sql.js';
import { BaseStore, classifyType, OutcomeUnknownError, type Column, type ExecResult, type Executor, type MigrationSession, type Row } from './store.js';

const require = createRequire(import.meta.url);
let loaded: typeof mssql | undefined;

/**
 * The driver, loaded by the first SQL Server store rather than by every start: mssql with tedious
 * and its Azure sign-in modules were about a quarter of the time a process took to load the
 * server's modules, whatever its stores.
 */
function driver(): typeof mssql {
  return (loaded ??= require('mssql') as typeof mssql);
}

export const mssqlDialect: Dialect = {
  name: 'mssql',
  quoteIdent: (name) => `[${name}]`,
  placeholder: (i) => `@p${i}`,
  // 2100 is the hard limit; keep a few for the statement's own parameters.
  maxParams: 2000,
  randomOrder: raw('NEWID()'),
  limitOffset: (limit, offset) => raw(` OFFSET ${integer(offset)} ROWS FETCH NEXT ${integer(limit)} ROWS ONLY`),
  escapeLike: escapeLikeWith('%_['),
  likeEscapeClause: raw(` ESCAPE '!'`),
  equalsPadsSpaces: true,
  functionNames: { LENGTH: 'LEN' },
  supportsTransactionalDdl: true,
  // READPAST with UPDLOCK, ROWLOCK is the SQL Server equivalent of SKIP LOCKED.
  // UPDLOCK is held to the end of the transaction; ROWLOCK keeps it from escalating.
  rowLock: { hint: raw(' WITH (UPDLOCK, ROWLOCK)'), suffix: empty },
  integerParam: (value) => sql`CAST(${value.toString()} AS BIGINT)`,
  // The driver answers BIGINT as text already.
  exactInteger: (column) => column,
  ddl: {
    autoId: 'id BIGINT IDENTITY(1,1) PRIMARY KEY',
    type: (declared) => (declared === 'text' ? 'NVARCHAR(MAX)' : declared === 'datetime' ? 'DATETIME2' : declared.toUpperCase().replace(/^VARCHAR/, 'NVARCHAR')),
    tableOptions: '',
  },
  skipLocked: { hint: raw(' WITH (UPDLOCK, ROWLOCK, READPAST)'), suffix: empty },
  // mssql's RequestError carries the server's error number.
  isRetryableConflict: (err) => [1205, 1222].includes((err as { number?: number })?.number ?? 0),
  // 245/8114 conversion failed, 515 NULL, 8115 overflow, 2628/8152 truncated.
  isValueRejected: (err) => [245, 515, 2628, 8114, 8115, 8152].includes((err as { number?: number })?.number ?? 0),
  // 2627 unique constraint, 2601 unique index.
  isDuplicateKey: (err) => [2601, 2627].includes((err as { number?: number })?.number ?? 0),
};

/** Parses `mssql://user:pass@host:port/database?encrypt=true&trustServerCertificate=true`. */
export function mssqlConfig(url: string): mssql.config {
  const u = new URL(url);
  const q = u.searchParams;
  return {
    server: u.hostname,
    port: u.port ? Number(u.port) : 1433,
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: decodeURIComponent(u.pathname.replace(/^\//, '')) || undefined,
    pool: { max: Number(q.get('pool_max') ?? 10), min: 0, idleTimeoutMillis: 30_000 },
    connectionTimeout: 5000,
    options: {
      encrypt: q.get('encrypt') !== 'false',
      trustServerCertificate: q.get('trustServerCertificate') === 'true',
    },
  };
}

function bindable(v: unknown): unknown {
  return v === undefined ? null : v;
}

export class MssqlStore extends BaseStore<mssql.Transaction> {
  readonly dialect = mssqlDialect;
  private readonly pool: mssql.ConnectionPool;
  private connected: Promise<mssql.ConnectionPool> | null = null;

  constructor(url: string) {
    super();
    this.pool = new (driver().ConnectionPool)(mssqlConfig(url));
  }

  private connect(): Promise<mssql.ConnectionPool> {
    this.connected ??= this.pool.connect().catch((err: unknown) => {
      this.connected = null;
      throw err;
    });
    return this.connected;
  }

  private async request(r: Rendered, tx?: mssql.Transaction): Promise<mssql.IResult<Row>> {
    const { Request } = driver();
    const req = tx ? new Request(tx) : new Request(await this.connect());
    r.params.forEach((v, i) => req.input(`p${i + 1}`, bindable(v)));
    return req.query<Row>(r.text);
  }

  protected async runQuery(r: Rendered, tx?: mssql.Transaction): Promise<Row[]> {
    const res = await this.request(r, tx);
    return res.recordset ?? [];
  }

  protected async runExecute(r: Rendered, tx?: mssql.Transaction): Promise<ExecResult> {
    const res = await this.request(r, tx);
    const affected = res.rowsAffected.reduce((a, b) => a + b, 0);
    return { affectedRows: affected, insertId: null };
  }

  /** A connection lost during COMMIT leaves the outcome unknown: SQL Server offers no way to ask. */
  override async transactionKnownOutcome<T>(fn: (tx: Executor) => Promise<T>): Promise<T> {
    let committing = false;
    try {
      return await this.transaction(async (tx) => {
        const result = await fn(tx);
        committing = true;
        return result;
      });
    } catch (err) {
      if (committing) throw new OutcomeUnknownError({ cause: err });
      throw err;
    }
  }

  async transaction<T>(fn: (tx: Executor) => Promise<T>): Promise<T> {
    const { Transaction, ISOLATION_LEVEL } = driver();
    const tx = new Transaction(await this.connect());
    await tx.begin(ISOLATION_LEVEL.READ_COMMITTED);
    try {
      const result = await fn(this.executorOn(tx));
      await tx.commit();
      return result;
    } catch (err) {
      await tx.rollback().catch(() => undefined);
      throw err;
    }
  }

  protected async introspect(table: string): Promise<Column[]> {
    const rows = await this.query<{ name: string; dataType: string; nullable: string; pk: number; maxLength: number | null }>(
      mssqlColumnsQuery(table),
    );
    return rows.map((r) => ({
      name: r.name,
      kind: classifyType(r.dataType),
      rawType: r.dataType.toLowerCase(),
      nullable: r.nullable === 'YES',
      primaryKey: r.pk === 1,
      // -1 is (N)VARCHAR(MAX).
      maxLength: r.maxLength === null || r.maxLength < 0 ? null : r.maxLength,
    }));
  }

  /** SQL Server is a direct-connect engine only: yesgraph keeps no tables of its own there. */
  withMigrationLock<T>(_fn: (session: MigrationSession) => Promise<T>): Promise<T> {
    return Promise.reject(new Error('SQL Server cannot be the main store: use SQLite or MySQL/MariaDB'));
  }

  async close(): Promise<void> {
    if (this.connected) await this.pool.close();
  }
}

/** Column introspection for SQL Server, in the default schema of the login. */
export function mssqlColumnsQuery(table: string) {
  return sql`SELECT c.COLUMN_NAME AS name, c.DATA_TYPE AS dataType, c.IS_NULLABLE AS nullable,
c.CHARACTER_MAXIMUM_LENGTH AS maxLength,
CASE WHEN EXISTS (SELECT 1 FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS tc
  JOIN INFORMATION_SCHEMA.KEY_COLUMN_USAGE k ON k.CONSTRAINT_NAME = tc.CONSTRAINT_NAME
  WHERE tc.CONSTRAINT_TYPE = 'PRIMARY KEY' AND tc.TABLE_NAME = c.TABLE_NAME
    AND tc.TABLE_SCHEMA = c.TABLE_SCHEMA AND k.COLUMN_NAME = c.COLUMN_NAME) THEN 1 ELSE 0 END AS pk
FROM INFORMATION_SCHEMA.COLUMNS c
WHERE c.TABLE_NAME = ${table} AND c.TABLE_SCHEMA = SCHEMA_NAME()
ORDER BY c.ORDINAL_POSITION`;
}
