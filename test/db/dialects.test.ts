/** Golden SQL per dialect for what the store layer itself emits (SQL Server cannot run here). */
import { describe, expect, it } from 'vitest';
import { mssqlColumnsQuery, mssqlConfig, mssqlDialect } from '../../src/db/mssql.js';
import { mysqlDialect } from '../../src/db/mysql.js';
import { sqliteDialect } from '../../src/db/sqlite.js';
import { ident, join, render, sql, type Sql } from '../../src/db/sql.js';
import { parseDatabaseUrl, redactUrl } from '../../src/db/open.js';

const dialects = { sqlite: sqliteDialect, mysql: mysqlDialect, mssql: mssqlDialect };

describe('dialects', () => {
  const q = sql`SELECT ${join([ident('id'), ident('name')])} FROM ${ident('TestTable')} WHERE ${ident('parent_id')} IN (${join([sql`${1}`, sql`${2}`])}) ORDER BY ${ident('id')}`;

  it.each([
    ['sqlite', 'SELECT "id", "name" FROM "TestTable" WHERE "parent_id" IN (?, ?) ORDER BY "id" LIMIT 10 OFFSET 20'],
    ['mysql', 'SELECT `id`, `name` FROM `TestTable` WHERE `parent_id` IN (?, ?) ORDER BY `id` LIMIT 10 OFFSET 20'],
    ['mssql', 'SELECT [id], [name] FROM [TestTable] WHERE [parent_id] IN (@p1, @p2) ORDER BY [id] OFFSET 20 ROWS FETCH NEXT 10 ROWS ONLY'],
  ] as const)('%s: identifiers, placeholders, pagination', (name, text) => {
    const d = dialects[name];
    expect(render(sql`${q}${d.limitOffset(10, 20)}`, d)).toEqual({ text, params: [1, 2] });
  });

  it('refuses identifiers that are not plain names', () => {
    for (const bad of ['a b', 'a;b', 'a]', 'a"', 'a`', '', '1a', 'x'.repeat(65)]) expect(() => ident(bad)).toThrow();
  });

  it('escapes LIKE metacharacters, with [ on SQL Server', () => {
    expect(sqliteDialect.escapeLike('50%_off!')).toBe('50!%!_off!!');
    expect(mysqlDialect.escapeLike('a[b]')).toBe('a[b]');
    expect(mssqlDialect.escapeLike('a[b]%')).toBe('a![b]!%');
    expect(render(mssqlDialect.likeEscapeClause, mssqlDialect).text).toBe(" ESCAPE '!'");
  });

  it('random order per engine', () => {
    expect(render(sqliteDialect.randomOrder, sqliteDialect).text).toBe('RANDOM()');
    expect(render(mysqlDialect.randomOrder, mysqlDialect).text).toBe('RAND()');
    expect(render(mssqlDialect.randomOrder, mssqlDialect).text).toBe('NEWID()');
  });

  it('refuses a statement over the engine parameter limit', () => {
    const many = join(Array.from({ length: mssqlDialect.maxParams + 1 }, (_, i) => sql`${i}`));
    expect(() => render(sql`SELECT 1 WHERE 1 IN (${many})`, mssqlDialect)).toThrow(/allows 2000/);
  });

  it('refuses non-integer pagination', () => {
    expect(() => mssqlDialect.limitOffset(1.5, 0)).toThrow();
    expect(() => mysqlDialect.limitOffset(-1, 0)).toThrow();
  });

  it('SQL Server column introspection (golden T-SQL)', () => {
    const r = render(mssqlColumnsQuery('TestTable'), mssqlDialect);
    expect(r.params).toEqual(['TestTable']);
    expect(r.text).toBe(`SELECT c.COLUMN_NAME AS name, c.DATA_TYPE AS dataType, c.IS_NULLABLE AS nullable,
c.CHARACTER_MAXIMUM_LENGTH AS maxLength,
CASE WHEN EXISTS (SELECT 1 FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS tc
  JOIN INFORMATION_SCHEMA.KEY_COLUMN_USAGE k ON k.CONSTRAINT_NAME = tc.CONSTRAINT_NAME
  WHERE tc.CONSTRAINT_TYPE = 'PRIMARY KEY' AND tc.TABLE_NAME = c.TABLE_NAME
    AND tc.TABLE_SCHEMA = c.TABLE_SCHEMA AND k.COLUMN_NAME = c.COLUMN_NAME) THEN 1 ELSE 0 END AS pk
FROM INFORMATION_SCHEMA.COLUMNS c
WHERE c.TABLE_NAME = @p1 AND c.TABLE_SCHEMA = SCHEMA_NAME()
ORDER BY c.ORDINAL_POSITION`);
  });

  it('capability flags: transactional DDL, and SKIP LOCKED (or READPAST) as a hint or suffix per engine', () => {
    const text = (q: Sql | undefined) => (q ? render(q, mysqlDialect).text : null);
    expect([sqliteDialect, mysqlDialect, mssqlDialect].map((d) => [d.name, d.supportsTransactionalDdl, text(d.skipLocked?.hint), text(d.skipLocked?.suffix)])).toEqual([
      ['sqlite', true, null, null],
      ['mysql', false, '', ' FOR UPDATE SKIP LOCKED'],
      ['mssql', true, ' WITH (UPDLOCK, ROWLOCK, READPAST)', ''],
    ]);
  });

  it('SQL Server: deadlock victim (1205) and lock timeout (1222) are retryable conflicts, as mssql reports them', () => {
    // test/db/store.test.ts proves the SQLite and MySQL hooks against errors the engines raise.
    expect(mssqlDialect.isRetryableConflict({ name: 'RequestError', number: 1205 })).toBe(true);
    expect(mssqlDialect.isRetryableConflict({ name: 'RequestError', number: 1222 })).toBe(true);
    expect(mssqlDialect.isRetryableConflict({ name: 'RequestError', number: 2627 })).toBe(false);
    expect(mssqlDialect.isRetryableConflict(new Error('deadlock'))).toBe(false);
    expect(mssqlDialect.isRetryableConflict(undefined)).toBe(false);
  });

  it('parses SQL Server URLs', () => {
    const c = mssqlConfig('mssql://sa:p%40ss@db.local:14330/shop?trustServerCertificate=true&encrypt=false');
    expect(c).toMatchObject({ server: 'db.local', port: 14330, user: 'sa', password: 'p@ss', database: 'shop' });
    expect(c.options).toEqual({ encrypt: false, trustServerCertificate: true });
  });
});

describe('database URLs', () => {
  it('recognises each engine and refuses others with a clear message', () => {
    expect(parseDatabaseUrl('sqlite:./data/x.db')).toMatchObject({ engine: 'sqlite', path: './data/x.db' });
    expect(parseDatabaseUrl('mysql://root@127.0.0.1:3306/test').engine).toBe('mysql');
    expect(parseDatabaseUrl('mariadb://root@127.0.0.1/test').url).toBe('mysql://root@127.0.0.1/test');
    expect(parseDatabaseUrl('mssql://sa:x@h/db').engine).toBe('mssql');
    expect(() => parseDatabaseUrl('postgres://x/y')).toThrow(/unsupported database URL/);
    expect(() => parseDatabaseUrl('mysql://root@127.0.0.1')).toThrow(/names no database/);
    expect(() => parseDatabaseUrl('sqlite:')).toThrow(/needs a path/);
  });

  it('redacts passwords', () => {
    expect(redactUrl('mysql://root:hunter2@h:3306/db')).toBe('mysql://root:***@h:3306/db');
    expect(redactUrl('mysql://root@h/db')).toBe('mysql://root@h/db');
  });
});
