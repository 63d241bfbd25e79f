/**
 * A plain TypeScript evaluator of the condition language over rows, with SQL's three-valued
 * logic, written apart from the compiler: the property test checks the databases against it.
 * It models the documented semantics: triples coerce values to the column's type, EQ/NE null
 * test for NULL, a null in an IN list matches NULL rows; LIKE ignores ASCII case (as SQLite's
 * LIKE and MariaDB's default collation do).
 */
import type { Condition, LikePart, Operator, RawExpr, RawValue, Scalar, Where } from '../../../src/where/index.js';

export type Cell = number | string | null;
export type Row = Readonly<Record<string, Cell>>;
type Truth = boolean | null;

const and3 = (xs: Truth[]): Truth => (xs.includes(false) ? false : xs.includes(null) ? null : true);
const or3 = (xs: Truth[]): Truth => (xs.includes(true) ? true : xs.includes(null) ? null : false);
const not3 = (x: Truth): Truth => (x === null ? null : !x);

/** Numbers by value; text by code point, as SQLite's BINARY and MariaDB's _bin collations order UTF-8. */
function cmp(a: number | string, b: number | string): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const [x, y] = [[...String(a)], [...String(b)]];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d) return d;
  }
  return x.length - y.length;
}

function compareTruth(a: Cell, b: Cell, test: (c: number) => boolean): Truth {
  return a === null || b === null ? null : test(cmp(a, b));
}

const foldAscii = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

function likeRegex(parts: readonly LikePart[], fold: (s: string) => string): RegExp {
  const body = parts
    .map((p) => (p.kind === 'any' ? '.*' : p.kind === 'one' ? '.' : fold(p.text).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, 'su');
}

/** LIKE ignores ASCII case only, as SQLite does (and MariaDB's default collation for ASCII). */
function like(x: Cell, parts: readonly LikePart[], model: Model): Truth {
  const fold = model.likeIsCaseSensitive ? (s: string) => s : foldAscii;
  return x === null ? null : likeRegex(parts, fold).test(fold(String(x)));
}

/** A triple's LIKE value: "contains" without %, else % and _ wildcards with ! escaping. */
export function tripleLikeParts(value: string): LikePart[] {
  if (!value.includes('%')) return [{ kind: 'any' }, { kind: 'text', text: value }, { kind: 'any' }];
  const parts: LikePart[] = [];
  const chars = [...value];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (ch === '!') parts.push({ kind: 'text', text: chars[++i] ?? '!' });
    else if (ch === '%') parts.push({ kind: 'any' });
    else if (ch === '_') parts.push({ kind: 'one' });
    else parts.push({ kind: 'text', text: ch });
  }
  return parts;
}

export interface Model {
  /** Columns holding numbers; every other column holds text. */
  readonly numeric: ReadonlySet<string>;
  /** LIKE under a binary collation (MariaDB utf8mb4_nopad_bin) respects case. */
  readonly likeIsCaseSensitive?: boolean;
}

function asColumn(v: Exclude<Scalar, null>, numeric: boolean): number | string {
  if (numeric) return typeof v === 'boolean' ? Number(v) : Number(v);
  return typeof v === 'boolean' ? (v ? '1' : '0') : String(v);
}

function listOf(v: Scalar | Scalar[]): Scalar[] {
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') return v === '' ? [] : v.split(',');
  return [v];
}

const ORDER: Partial<Record<Operator, (c: number) => boolean>> = {
  EQ: (c) => c === 0,
  NE: (c) => c !== 0,
  GT: (c) => c > 0,
  GE: (c) => c >= 0,
  LT: (c) => c < 0,
  LE: (c) => c <= 0,
};

function triple(c: Condition & { kind: 'compare' }, row: Row, model: Model): Truth {
  const x = row[c.field] ?? null;
  const numeric = model.numeric.has(c.field);
  switch (c.op) {
    case 'IN':
    case 'NIN': {
      const list = listOf(c.value);
      const present = list.filter((v): v is Exclude<Scalar, null> => v !== null).map((v) => asColumn(v, numeric));
      const hit: Truth = x === null ? null : present.some((v) => cmp(x, v) === 0);
      const result = list.includes(null) ? or3([present.length ? hit : false, x === null]) : hit;
      return c.op === 'IN' ? result : not3(result);
    }
    case 'BETWEEN':
    case 'NBETWEEN': {
      const [lo, hi] = listOf(c.value).map((v) => asColumn(v as Exclude<Scalar, null>, numeric));
      const inside = and3([compareTruth(x, lo!, (d) => d >= 0), compareTruth(x, hi!, (d) => d <= 0)]);
      return c.op === 'BETWEEN' ? inside : not3(inside);
    }
    case 'LIKE':
    case 'NLIKE': {
      const v = c.value as Exclude<Scalar, null>;
      const matched = like(x, tripleLikeParts(typeof v === 'boolean' ? (v ? '1' : '0') : String(v)), model);
      return c.op === 'LIKE' ? matched : not3(matched);
    }
    default: {
      const v = c.value as Scalar;
      if (v === null) return c.op === 'EQ' ? x === null : x !== null;
      return compareTruth(x, asColumn(v, numeric), ORDER[c.op]!);
    }
  }
}

type Kind = 'number' | 'text' | 'null';

/** The static type the compiler gives a value: a literal meeting a typed value takes its type. */
function kindOf(v: RawValue, model: Model): Kind {
  switch (v.kind) {
    case 'column':
      return model.numeric.has(v.name) ? 'number' : 'text';
    case 'literal':
      return v.value === null ? 'null' : typeof v.value === 'string' ? 'text' : 'number';
    case 'negate':
    case 'arith':
      return 'number';
    case 'call':
      if (v.fn === 'COALESCE') {
        const typed = v.args.filter((a) => a.kind !== 'literal').map((a) => kindOf(a, model));
        return typed.find((k) => k !== 'null') ?? v.args.map((a) => kindOf(a, model)).find((k) => k !== 'null') ?? 'null';
      }
      return ['LOWER', 'UPPER', 'TRIM', 'LTRIM', 'RTRIM'].includes(v.fn) ? 'text' : 'number';
  }
}

/** Values that meet (a comparison's sides, IN, BETWEEN), literals coerced to the others' type. */
function meet(values: readonly RawValue[], row: Row, model: Model): Cell[] {
  const typed = values.filter((v) => v.kind !== 'literal').map((v) => kindOf(v, model));
  const kind = typed.find((k) => k !== 'null') ?? values.map((v) => kindOf(v, model)).find((k) => k !== 'null');
  return values.map((v) => {
    const x = value(v, row, model);
    if (v.kind !== 'literal' || x === null) return x;
    return kind === 'number' ? Number(x) : kind === 'text' ? (typeof v.value === 'boolean' ? (v.value ? '1' : '0') : String(x)) : x;
  });
}

export function value(v: RawValue, row: Row, model: Model): Cell {
  switch (v.kind) {
    case 'column':
      return row[v.name] ?? null;
    case 'literal':
      return typeof v.value === 'boolean' ? Number(v.value) : v.value;
    case 'negate': {
      const x = value(v.operand, row, model);
      return x === null ? null : -Number(x);
    }
    case 'arith': {
      const [l, r] = [value(v.left, row, model), value(v.right, row, model)];
      if (l === null || r === null) return null;
      const [a, b] = [Number(l), Number(r)];
      if (v.op === '+') return a + b;
      if (v.op === '-') return a - b;
      if (v.op === '*') return a * b;
      if (b === 0) return null;
      return v.op === '/' ? a / b : a % b;
    }
    case 'call': {
      const args = v.fn === 'COALESCE' ? meet(v.args, row, model) : v.args.map((a) => value(a, row, model));
      if (v.fn === 'COALESCE') return args.find((a) => a !== null) ?? null;
      const x = args[0] ?? null;
      if (x === null) return null;
      switch (v.fn) {
        case 'LENGTH':
          return [...String(x)].length;
        case 'LOWER':
          return String(x).toLowerCase();
        case 'UPPER':
          return String(x).toUpperCase();
        case 'TRIM':
          return String(x).replace(/^ +| +$/g, '');
        case 'LTRIM':
          return String(x).replace(/^ +/, '');
        case 'RTRIM':
          return String(x).replace(/ +$/, '');
        case 'ABS':
          return Math.abs(Number(x));
        case 'ROUND': {
          const scale = 10 ** Number(args[1] ?? 0);
          return (Math.sign(Number(x)) * Math.round(Math.abs(Number(x)) * scale)) / scale;
        }
      }
    }
  }
}

const RAW_ORDER = { '=': (c: number) => c === 0, '<>': (c: number) => c !== 0, '<': (c: number) => c < 0, '<=': (c: number) => c <= 0, '>': (c: number) => c > 0, '>=': (c: number) => c >= 0 };

export function raw(e: RawExpr, row: Row, model: Model): Truth {
  switch (e.kind) {
    case 'logic':
      return (e.logic === 'and' ? and3 : or3)(e.items.map((i) => raw(i, row, model)));
    case 'not':
      return not3(raw(e.operand, row, model));
    case 'compare': {
      const [l, r] = meet([e.left, e.right], row, model);
      return compareTruth(l!, r!, RAW_ORDER[e.op]);
    }
    case 'in': {
      const [x, ...list] = meet([e.operand, ...e.list], row, model);
      const result = x === null || x === undefined ? null : list.some((v) => v !== null && cmp(x, v) === 0) ? true : list.includes(null) ? null : false;
      return e.negated ? not3(result) : result;
    }
    case 'between': {
      const [x, lo, hi] = meet([e.operand, e.low, e.high], row, model);
      const inside = and3([compareTruth(x!, lo!, (d) => d >= 0), compareTruth(x!, hi!, (d) => d <= 0)]);
      return e.negated ? not3(inside) : inside;
    }
    case 'like': {
      const matched = like(value(e.operand, row, model), e.pattern, model);
      return e.negated ? not3(matched) : matched;
    }
    case 'isNull':
      return (value(e.operand, row, model) === null) !== e.negated;
    case 'truth':
      return e.value;
  }
}

export function condition(c: Condition, row: Row, model: Model): Truth {
  if (c.kind === 'compare') return triple(c, row, model);
  if (c.kind === 'raw') return raw(c.expr, row, model);
  // An empty group is no condition, as an empty Where is.
  if (!c.items.length) return true;
  return (c.logic === 'and' ? and3 : or3)(c.items.map((i) => condition(i, row, model)));
}

/** The ids of the rows a Where selects (where it is true, not unknown). */
export function select(where: Where, rows: readonly Row[], model: Model): number[] {
  return rows
    .filter((row) => (where.items.length ? (where.logic === 'and' ? and3 : or3)(where.items.map((c) => condition(c, row, model))) === true : true))
    .map((row) => Number(row.id));
}
