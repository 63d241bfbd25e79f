/**
 * Where → one boolean SQL expression for a dialect: quoted identifiers, bound values, LIKE
 * escaped with the dialect's ESCAPE clause. Triples compare with NULL the friendly way
 * (EQ null is IS NULL, NE null IS NOT NULL, a null in an IN list also matches NULL rows);
 * raw strings keep SQL's own NULL semantics.
 */
import type { Dialect } from '../db/dialect.js';
import { ident, join, param, raw, sql, type Sql } from '../db/sql.js';
import type { TableInfo } from '../db/store.js';
import { refuse } from '../errors.js';
import type { Condition, Logic, Operator, Scalar, Where } from './ast.js';
import { compileRaw } from './compile-raw.js';
import { quote, show } from './quote.js';
import { renderLike, tripleLike } from './like.js';
import { isListOperator, isOperator, isRangeOperator } from './operators.js';
import { checkLimits, columnOf } from './validate.js';
import { coerce, coerceOrFail, columnType, normalizeValue } from './values.js';

interface Ctx {
  readonly table: TableInfo;
  readonly dialect: Dialect;
  readonly param: string;
}

/** A compiled condition and whether it needs parentheses next to AND/OR. */
interface Piece {
  readonly sql: Sql;
  readonly atomic: boolean;
}

export function compileWhere(where: Where, table: TableInfo, dialect: Dialect, paramName = 'where'): Sql {
  if (where.logic !== 'and' && where.logic !== 'or') throw refuse('LOGIC_INVALID', { param: 'logic', value: show(where.logic) });
  checkLimits(where, paramName);
  const ctx: Ctx = { table, dialect, param: paramName };
  const out = where.items.length ? combine(where.items.map((c) => condition(c, ctx)), where.logic).sql : raw('1=1');
  if (out.paramCount > dialect.maxParams) {
    throw refuse('PARAMS_TOO_MANY', { param: paramName, count: out.paramCount, max: dialect.maxParams });
  }
  return out;
}

function combine(pieces: readonly Piece[], logic: Logic): Piece {
  if (pieces.length === 1) return pieces[0]!;
  const parts = pieces.map((p) => (p.atomic ? p.sql : sql`(${p.sql})`));
  return { sql: join(parts, logic === 'and' ? ' AND ' : ' OR '), atomic: false };
}

function condition(c: Condition, ctx: Ctx): Piece {
  switch (c.kind) {
    case 'compare':
      return compare(c, { ...ctx, param: c.param ?? ctx.param });
    case 'raw': {
      const param = c.param ?? ctx.param;
      const expr = compileRaw(c.expr, ctx.table, ctx.dialect, param, c.text);
      return { sql: expr, atomic: c.expr.kind !== 'logic' };
    }
    case 'group':
      if (c.logic !== 'and' && c.logic !== 'or') throw refuse('GROUP_LOGIC_INVALID', { param: ctx.param });
      if (!c.items.length) return { sql: raw('1=1'), atomic: true };
      return combine(
        c.items.map((i) => condition(i, ctx)),
        c.logic,
      );
  }
}

const SYMBOLS: Partial<Record<Operator, string>> = { EQ: '=', NE: '<>', GT: '>', GE: '>=', LT: '<', LE: '<=' };

function compare(c: Condition & { kind: 'compare' }, ctx: Ctx): Piece {
  if (!isOperator(c.op)) throw refuse('OPERATOR_UNKNOWN', { param: ctx.param, op: show(c.op) });
  const col = columnOf(ctx.table, c.field, ctx.param);
  const target = ident(col.name);
  const type = columnType(col);
  const value = normalizeValue(c.op, c.value, ctx.param, c.field);
  const bind = (v: Exclude<Scalar, null>) => param(coerceOrFail(v, type, ctx.param, c.field));

  if (isListOperator(c.op)) {
    const list = value as Scalar[];
    const present = list.filter((v): v is Exclude<Scalar, null> => v !== null);
    const withNull = present.length < list.length;
    const not = c.op === 'NIN';
    const nullTest = raw(not ? ' IS NOT NULL' : ' IS NULL');
    if (!present.length) return { sql: sql`${target}${nullTest}`, atomic: true };
    const test = sql`${target} ${raw(not ? 'NOT IN' : 'IN')} (${join(present.map(bind))})`;
    if (!withNull) return { sql: test, atomic: true };
    return { sql: sql`(${test} ${raw(not ? 'AND' : 'OR')} ${target}${nullTest})`, atomic: true };
  }

  if (isRangeOperator(c.op)) {
    const [low, high] = value as Scalar[];
    if (low === null || high === null || low === undefined || high === undefined) {
      throw refuse('OPERAND_NULL', { param: ctx.param, field: quote(c.field), op: c.op });
    }
    const between = raw(c.op === 'NBETWEEN' ? 'NOT BETWEEN' : 'BETWEEN');
    return { sql: sql`${target} ${between} ${bind(low)} AND ${bind(high)}`, atomic: true };
  }

  const v = value as Scalar;
  if (c.op === 'LIKE' || c.op === 'NLIKE') {
    if (v === null) throw refuse('OPERAND_NULL', { param: ctx.param, field: quote(c.field), op: c.op });
    const text = String(coerce(v, 'text'));
    // SQLite's LIKE stops reading a pattern at NUL; refuse it so every engine means the same.
    if (text.includes('\0')) throw refuse('OPERAND_NUL_CHAR', { param: ctx.param, field: quote(c.field), op: c.op });
    const pattern = renderLike(tripleLike(text), ctx.dialect);
    const like = raw(c.op === 'NLIKE' ? 'NOT LIKE' : 'LIKE');
    return { sql: sql`${target} ${like} ${pattern}${ctx.dialect.likeEscapeClause}`, atomic: true };
  }

  if (v === null) {
    if (c.op === 'EQ') return { sql: sql`${target} IS NULL`, atomic: true };
    if (c.op === 'NE') return { sql: sql`${target} IS NOT NULL`, atomic: true };
    throw refuse('OPERAND_NULL_COMPARED', { param: ctx.param, field: quote(c.field), op: c.op });
  }
  return { sql: sql`${target} ${raw(SYMBOLS[c.op]!)} ${bind(v)}`, atomic: true };
}
