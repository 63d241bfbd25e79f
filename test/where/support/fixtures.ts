import { render } from '../../../src/db/sql.js';
import type { Sql } from '../../../src/db/sql.js';
import { mssqlDialect } from '../../../src/db/mssql.js';
import { mysqlDialect } from '../../../src/db/mysql.js';
import { sqliteDialect } from '../../../src/db/sqlite.js';
import { tableInfo, type Column, type ColumnKind } from '../../../src/db/store.js';
import { ProtocolError } from '../../../src/errors.js';

export const dialects = { sqlite: sqliteDialect, mysql: mysqlDialect, mssql: mssqlDialect } as const;

function col(name: string, kind: ColumnKind, rawType: string, nullable = true, primaryKey = false): Column {
  return { name, kind, rawType, nullable, primaryKey, maxLength: null };
}

/** The table of the unit tests: one column of each kind that matters. */
export const items = tableInfo('items', [
  col('id', 'integer', 'int', false, true),
  col('name', 'text', 'varchar'),
  col('qty', 'integer', 'int'),
  col('price', 'decimal', 'decimal'),
  col('add_time', 'datetime', 'datetime'),
  col('year', 'datetime', 'year'),
  col('blob', 'binary', 'blob'),
  col('title', 'text', 'varchar', false),
]);

export interface Golden {
  sqlite: string;
  mysql: string;
  mssql: string;
  params: unknown[];
}

/** Renders a fragment for all three engines; params are the same unless an engine escapes differently. */
export function golden(build: (d: (typeof dialects)[keyof typeof dialects]) => Sql | null): Golden & { mssqlParams?: unknown[] } {
  const out = Object.fromEntries(
    Object.entries(dialects).map(([name, d]) => {
      const q = build(d);
      return [name, q ? render(q, d) : null];
    }),
  ) as Record<keyof typeof dialects, { text: string; params: unknown[] } | null>;
  const g: Golden & { mssqlParams?: unknown[] } = {
    sqlite: out.sqlite?.text ?? '',
    mysql: out.mysql?.text ?? '',
    mssql: out.mssql?.text ?? '',
    params: out.sqlite?.params ?? [],
  };
  if (JSON.stringify(out.mssql?.params) !== JSON.stringify(g.params)) g.mssqlParams = out.mssql?.params ?? [];
  return g;
}

/** The message of the 400 that `fn` throws; fails the test for anything else. */
export function badRequestOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ProtocolError && err.ret === 400) return err.message;
    throw err;
  }
  throw new Error('expected a 400, but nothing was thrown');
}
