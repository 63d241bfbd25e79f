/**
 * What differs between engines, as small hooks and capability flags. Nothing outside
 * src/db asks which engine it is on: it asks the dialect for the piece it needs.
 */
import type { RenderDialect, Sql } from './sql.js';

export type EngineName = 'sqlite' | 'mysql' | 'mssql';

export interface Dialect extends RenderDialect {
  readonly name: EngineName;
  /** Quote a validated identifier. */
  quoteIdent(name: string): string;
  /** Placeholder text for the 1-based parameter index. */
  placeholder(index: number): string;
  /** Most bound parameters one statement may carry. */
  readonly maxParams: number;
  /** Expression to ORDER BY for a random order. */
  readonly randomOrder: Sql;
  /**
   * Pagination placed after ORDER BY. SQL Server requires an ORDER BY before OFFSET/FETCH;
   * callers always order.
   */
  limitOffset(limit: number, offset: number): Sql;
  /** Escape LIKE metacharacters in a literal; pair with `likeEscapeClause`. */
  escapeLike(literal: string): string;
  /** The ESCAPE clause matching `escapeLike`. */
  readonly likeEscapeClause: Sql;
  /**
   * `=` between strings ignores trailing spaces ('a' = 'a '), as MySQL's PAD SPACE collations
   * (binary ones included) and SQL Server do; a LIKE beside it makes the match exact.
   */
  readonly equalsPadsSpaces: boolean;
  /**
   * Spellings of portable function names where this engine differs (raw conditions of
   * src/where): e.g. LENGTH counts characters as SQL Server's LEN and MySQL's CHAR_LENGTH.
   */
  readonly functionNames: Readonly<Record<string, string>>;
  /**
   * DDL takes part in transactions. Where it does not (MySQL commits before and after each DDL
   * statement), a migration that fails halfway leaves its first statements applied.
   */
  readonly supportsTransactionalDdl: boolean;
  /**
   * A read that locks the rows it returns until the transaction ends: `hint` goes after the
   * table name (SQL Server), `suffix` at the end of the SELECT (MySQL's FOR UPDATE). SQLite
   * needs neither: a write transaction already holds the database's one write lock.
   */
  readonly rowLock: { readonly hint: Sql; readonly suffix: Sql };
  /**
   * An integer bound exactly whatever its size: drivers bind a BigInt or a string as text, and
   * MySQL computes `bigint_column - '1'` in DOUBLE (2^53 + 1 − 1 would be stored as 2^53 − 1).
   */
  integerParam(value: bigint): Sql;
  /** An integer column read exactly: as text where the driver would answer a lossy JS number. */
  exactInteger(column: Sql): Sql;
  /**
   * DDL spellings for tables yesgraph creates itself (hosted tables): the auto-increment primary
   * key column `id`, a declared type (`int`, `varchar(32)`, `decimal(10,2)`, `text`, `datetime`…)
   * as this engine writes it, and what follows `CREATE TABLE t (…)`.
   */
  readonly ddl: { readonly autoId: string; type(declared: string): string; readonly tableOptions: string };
  /**
   * A locking read that passes over rows other transactions hold (`hint` after the table name,
   * `suffix` at the end of the SELECT), or null where the engine has none (SQLite, whose write
   * transaction holds the whole database instead).
   */
  readonly skipLocked: { readonly hint: Sql; readonly suffix: Sql } | null;
  /** An error code this engine raises for a deadlock or lock wait timeout: retry the transaction. */
  isRetryableConflict(err: unknown): boolean;
  /** The engine refused a value (out of range, too long, wrong type, NULL in NOT NULL). */
  isValueRejected(err: unknown): boolean;
  /** A unique or primary key refused a second row with the same key. */
  isDuplicateKey(err: unknown): boolean;
}

/** Escapes LIKE metacharacters with `!` as the escape character (valid in all three engines). */
export function escapeLikeWith(specials: string) {
  return (literal: string): string => {
    let out = '';
    for (const ch of literal) out += ch === '!' || specials.includes(ch) ? `!${ch}` : ch;
    return out;
  };
}

/** A non-negative safe integer, for text that is inlined into SQL (LIMIT, OFFSET, TOP). */
export function integer(n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`not a non-negative integer: ${n}`);
  return n;
}
