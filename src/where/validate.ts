/** Checks of a Where against the table and the limits, before anything is compiled. */
import type { Column, TableInfo } from '../db/store.js';
import { refuse } from '../errors.js';
import type { Condition, RawExpr, RawValue, Where } from './ast.js';
import { quote } from './quote.js';
import { LIMITS } from './limits.js';

/** The column of that name, or a 400 naming the parameter. */
export function columnOf(table: TableInfo, name: string, param: string): Column {
  const col = table.byName.get(name);
  if (!col) throw refuse('FIELD_UNKNOWN', { param, field: quote(name) });
  return col;
}

function valueDepth(v: RawValue): number {
  switch (v.kind) {
    case 'column':
    case 'literal':
      return 0;
    case 'negate':
      return 1 + valueDepth(v.operand);
    case 'arith':
      return 1 + Math.max(valueDepth(v.left), valueDepth(v.right));
    case 'call':
      return 1 + Math.max(0, ...v.args.map(valueDepth));
  }
}

/** Nesting depth of a raw expression: each logic operator, NOT, condition, arithmetic operator and function is a level. */
export function rawDepth(e: RawExpr): number {
  switch (e.kind) {
    case 'logic':
      return 1 + Math.max(0, ...e.items.map(rawDepth));
    case 'not':
      return 1 + rawDepth(e.operand);
    case 'compare':
      return 1 + Math.max(valueDepth(e.left), valueDepth(e.right));
    case 'in':
    case 'like':
    case 'isNull':
      return 1 + valueDepth(e.operand);
    case 'between':
      return 1 + Math.max(valueDepth(e.operand), valueDepth(e.low), valueDepth(e.high));
    case 'truth':
      return 1;
  }
}

/** How many conditions a raw expression holds: its comparisons, IN, BETWEEN, LIKE, IS NULL, TRUE/FALSE. */
export function rawCount(e: RawExpr): number {
  switch (e.kind) {
    case 'logic':
      return e.items.reduce((n, i) => n + rawCount(i), 0);
    case 'not':
      return rawCount(e.operand);
    default:
      return 1;
  }
}

/** A condition other than a group: checkLimits walks groups itself, without recursion. */
type Leaf = Exclude<Condition, { kind: 'group' }>;

function conditionDepth(c: Leaf): number {
  return c.kind === 'raw' ? rawDepth(c.expr) : 1;
}

function conditionCount(c: Leaf): number {
  return c.kind === 'raw' ? rawCount(c.expr) : 1;
}

/** The limits of LIMITS over a whole Where: condition count, nesting depth, raw length. */
export function checkLimits(where: Where, param: string): void {
  // Depth first: counting and measuring recurse, and a hand-built tree could be very deep.
  const stack: Array<{ c: Condition; depth: number }> = where.items.map((c) => ({ c, depth: 1 }));
  let count = 0;
  while (stack.length) {
    const { c, depth } = stack.pop()!;
    if (c.kind === 'group') {
      if (depth > LIMITS.depth) throw refuse('NESTING_TOO_DEEP', { param, max: LIMITS.depth });
      for (const i of c.items) stack.push({ c: i, depth: depth + 1 });
      continue;
    }
    if (c.kind === 'raw' && c.text.length > LIMITS.rawLength) throw refuse('RAW_TOO_LONG', { param: c.param ?? param, max: LIMITS.rawLength });
    if (depth - 1 + conditionDepth(c) > LIMITS.depth) throw refuse('NESTING_TOO_DEEP', { param: c.param ?? param, max: LIMITS.depth });
    count += conditionCount(c);
    if (count > LIMITS.conditions) throw refuse('CONDITIONS_TOO_MANY', { param, max: LIMITS.conditions });
  }
}
