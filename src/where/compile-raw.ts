/**
 * RawExpr → SQL for a dialect, after a type check against the table. Literals are bound, and
 * a literal meeting a column (or any typed expression) is coerced to its type first, as in
 * triples, so that `name = 5` compares text on every engine. Mixing numbers and text in one
 * comparison, or arithmetic on text, is a 400 rather than each engine's own conversion.
 * `/` is real division and `/`, `%` give NULL for a zero divisor on every engine.
 */
import type { Dialect } from '../db/dialect.js';
import { ident, join, param, raw, sql, type Sql } from '../db/sql.js';
import type { TableInfo } from '../db/store.js';
import { refuse } from '../errors.js';
import type { RawExpr, RawValue } from './ast.js';
import { show } from './quote.js';
import { SIGNATURES } from './functions.js';
import { renderLike } from './like.js';
import { coerce, columnType, TYPE_NAMES, type ValueType } from './values.js';
import { columnOf } from './validate.js';

type Ty = ValueType | 'null';

interface Ctx {
  readonly table: TableInfo;
  readonly dialect: Dialect;
  readonly param: string;
  readonly text: string;
}

function wrong(ctx: Ctx, problem: string): Error {
  return refuse('RAW_MISTYPED', { param: ctx.param, text: show(ctx.text), problem });
}

export function compileRaw(expr: RawExpr, table: TableInfo, dialect: Dialect, param: string, text: string): Sql {
  return predicate(expr, { table, dialect, param, text });
}

function predicate(e: RawExpr, ctx: Ctx): Sql {
  switch (e.kind) {
    case 'logic': {
      const items = e.items.map((i) => (i.kind === 'logic' ? sql`(${predicate(i, ctx)})` : predicate(i, ctx)));
      return join(items, e.logic === 'and' ? ' AND ' : ' OR ');
    }
    case 'not':
      return sql`NOT (${predicate(e.operand, ctx)})`;
    case 'compare': {
      const t = unify([e.left, e.right], ctx);
      return sql`${value(e.left, t, ctx)} ${raw(e.op)} ${value(e.right, t, ctx)}`;
    }
    case 'in': {
      const t = unify([e.operand, ...e.list], ctx);
      const list = join(e.list.map((l) => value(l, t, ctx)));
      return sql`${value(e.operand, t, ctx)} ${raw(e.negated ? 'NOT IN' : 'IN')} (${list})`;
    }
    case 'between': {
      const t = unify([e.operand, e.low, e.high], ctx);
      const [x, lo, hi] = [e.operand, e.low, e.high].map((v) => value(v, t, ctx));
      return sql`${x!} ${raw(e.negated ? 'NOT BETWEEN' : 'BETWEEN')} ${lo!} AND ${hi!}`;
    }
    case 'like': {
      typeOf(e.operand, ctx);
      const pattern = renderLike(e.pattern, ctx.dialect);
      return sql`${value(e.operand, null, ctx)} ${raw(e.negated ? 'NOT LIKE' : 'LIKE')} ${pattern}${ctx.dialect.likeEscapeClause}`;
    }
    case 'isNull':
      typeOf(e.operand, ctx);
      return sql`${value(e.operand, null, ctx)} ${raw(e.negated ? 'IS NOT NULL' : 'IS NULL')}`;
    case 'truth':
      return raw(e.value ? '1=1' : '1=0');
  }
}

function literalType(v: RawValue & { kind: 'literal' }): Ty {
  if (v.value === null) return 'null';
  return typeof v.value === 'string' ? 'text' : 'number';
}

function typeOf(v: RawValue, ctx: Ctx): Ty {
  switch (v.kind) {
    case 'column':
      return columnType(columnOf(ctx.table, v.name, ctx.param));
    case 'literal':
      return literalType(v);
    case 'negate':
      numeric(v.operand, ctx);
      return 'number';
    case 'arith':
      numeric(v.left, ctx);
      numeric(v.right, ctx);
      return 'number';
    case 'call': {
      const sig = SIGNATURES[v.fn];
      if (sig.arg === 'same') return unify(v.args, ctx);
      for (const a of v.args) {
        if (sig.arg === 'number') numeric(a, ctx);
        else argument(v.fn, a, sig.arg, ctx);
      }
      return sig.result;
    }
  }
}

/** An operand of arithmetic: a number, a numeric literal, or an untyped column. */
function numeric(v: RawValue, ctx: Ctx): void {
  if (v.kind === 'literal') {
    if (v.value !== null && coerce(v.value, 'number') === null) throw wrong(ctx, `${show(v.value)} 不是数值，不能参与算术运算`);
    return;
  }
  const t = typeOf(v, ctx);
  if (t === 'text' || t === 'datetime') throw wrong(ctx, `算术运算和ABS、ROUND只能用于数值，不能用于${TYPE_NAMES[t]}`);
}

function argument(fn: string, v: RawValue, want: 'text' | 'scalar', ctx: Ctx): void {
  const t = typeOf(v, ctx);
  // Engines format dates differently, so no text function takes one; LOWER etc. take text only.
  if (t === 'datetime' || (want === 'text' && t === 'number' && v.kind !== 'literal')) {
    throw wrong(ctx, `函数 ${fn} 不能用于${TYPE_NAMES[t]}`);
  }
}

/**
 * The common type of values that meet (the two sides of a comparison, IN, BETWEEN, COALESCE):
 * typed expressions must agree; literals then follow them.
 */
function unify(values: readonly RawValue[], ctx: Ctx): Ty {
  const typed = new Set<Ty>();
  const literal = new Set<Ty>();
  for (const v of values) (v.kind === 'literal' ? literal : typed).add(typeOf(v, ctx));
  typed.delete('null');
  literal.delete('null');
  const anyTyped = typed.delete('any');
  if (typed.size > 1) throw wrong(ctx, `${[...typed].map((t) => TYPE_NAMES[t]).join('与')}不能相互比较`);
  const [t] = typed;
  if (t) return t;
  if (anyTyped) return 'any';
  if (literal.size > 1) throw wrong(ctx, '数值与文本不能相互比较');
  return [...literal][0] ?? 'null';
}

/** A value as SQL; a literal is coerced to `want` (when it has one) and bound. */
function value(v: RawValue, want: Ty | null, ctx: Ctx): Sql {
  switch (v.kind) {
    case 'column':
      return ident(v.name);
    case 'literal': {
      if (v.value === null) return raw('NULL');
      // Stryker disable next-line ConditionalExpression,StringLiteral: want is 'null' only when every literal met is NULL, and NULL returned above
      const t = want === null || want === 'null' ? 'any' : want;
      const bound = coerce(v.value, t);
      if (bound === null) throw wrong(ctx, `${show(v.value)} 不是${TYPE_NAMES[t]}`);
      return param(bound);
    }
    case 'negate':
      return sql`-(${value(v.operand, 'number', ctx)})`;
    case 'arith': {
      const l = value(v.left, 'number', ctx);
      const r = value(v.right, 'number', ctx);
      if (v.op === '/') return sql`(${l} * 1.0 / NULLIF(${r}, 0))`;
      if (v.op === '%') return sql`(${l} % NULLIF(${r}, 0))`;
      return sql`(${l} ${raw(v.op)} ${r})`;
    }
    case 'call': {
      const name = raw(ctx.dialect.functionNames[v.fn] ?? v.fn);
      const sig = SIGNATURES[v.fn];
      const want = sig.arg === 'same' ? unify(v.args, ctx) : sig.arg === 'scalar' ? null : sig.arg;
      const args = v.args.map((a) => value(a, want, ctx));
      // SQL Server's ROUND requires the digits; ROUND(x) is ROUND(x, 0) everywhere.
      if (v.fn === 'ROUND' && args.length === 1) args.push(raw('0'));
      return sql`${name}(${join(args)})`;
    }
  }
}
