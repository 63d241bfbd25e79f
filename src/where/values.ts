/**
 * Value forms of triples (scalar, IN list, BETWEEN pair) and their coercion to the type of the
 * column they meet. Coercing here, not in the engine, makes every engine compare alike: SQLite
 * would compare a number with a text column as text, MySQL as numbers, SQL Server would fail.
 */
import type { Column } from '../db/store.js';
import { refuse } from '../errors.js';
import type { Operator, Scalar } from './ast.js';
import { quote, show } from './quote.js';
import { LIMITS } from './limits.js';
import { isListOperator, isRangeOperator } from './operators.js';

/** What a column or expression holds, as far as comparing with a value is concerned. */
export type ValueType = 'number' | 'text' | 'datetime' | 'any';

export function columnType(col: Column): ValueType {
  if (col.kind === 'integer' || col.kind === 'decimal') return 'number';
  // MySQL's YEAR is classified with the dates but holds a plain number.
  if (col.kind === 'datetime') return col.rawType === 'year' ? 'number' : 'datetime';
  if (col.kind === 'text') return 'text';
  return 'any';
}

/** Length of text in characters (code points), as the platform and MySQL's CHAR_LENGTH count it. */
export function textLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

export function isScalar(v: unknown): v is Scalar {
  return v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
}

const NUMERIC = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;
const DATE = String.raw`\d{4}-\d{1,2}-\d{1,2}`;
const TIME = String.raw`\d{1,2}:\d{2}(:\d{2}(\.\d{1,7})?)?`;
const DATETIME = new RegExp(`^(${DATE}([ T]${TIME})?(Z|[+-]\\d{2}:?\\d{2})?|${TIME})$`);

/**
 * A numeric string as a number; an integer beyond 2^53 stays text so it is not rounded.
 * Null when the text is no number.
 */
export function numberFrom(text: string): number | string | null {
  const t = text.trim();
  if (!NUMERIC.test(t)) return null;
  const n = Number(t);
  if (!Number.isFinite(n)) return null;
  return INTEGER.test(t) && !Number.isSafeInteger(n) ? t.replace(/^\+/, '') : n;
}

/** A non-null value as the type wants it, or null when it cannot be one. */
export function coerce(value: string | number | boolean, type: ValueType): string | number | null {
  switch (type) {
    case 'number':
      if (typeof value === 'number') return value;
      if (typeof value === 'boolean') return value ? 1 : 0;
      return numberFrom(value);
    case 'text':
      if (typeof value === 'boolean') return value ? '1' : '0';
      return String(value);
    case 'datetime':
      return typeof value === 'string' && DATETIME.test(value.trim()) ? value.trim() : null;
    case 'any':
      return typeof value === 'boolean' ? (value ? 1 : 0) : value;
  }
}

/** How messages name a type (and NULL, for raw expressions). */
export const TYPE_NAMES: Record<ValueType | 'null', string> = { number: '数值', text: '文本', datetime: '日期时间', any: '值', null: 'NULL' };

/** `coerce`, or a 400 naming the parameter, the field and the value. */
export function coerceOrFail(value: string | number | boolean, type: ValueType, param: string, field: string): string | number {
  const v = coerce(value, type);
  if (v === null) throw refuse('VALUE_WRONG_TYPE', { param, field: quote(field), value: show(value), type: TYPE_NAMES[type] });
  return v;
}

function splitList(text: string): string[] {
  return text === '' ? [] : text.split(',');
}

/**
 * A triple's value in the form its operator takes: a list for IN/NIN (a JSON array or a
 * comma-separated string), a pair for BETWEEN/NBETWEEN (a 2-array or "a,b"), a scalar
 * otherwise. Idempotent, so hand-built conditions are checked the same way.
 */
export function normalizeValue(op: Operator, value: unknown, param: string, field: string): Scalar | Scalar[] {
  const at = { param, field: quote(field), op };
  if (value === undefined) value = null;
  if (isListOperator(op) || isRangeOperator(op)) {
    let list: unknown[];
    if (Array.isArray(value)) list = value;
    else if (typeof value === 'string') list = splitList(value);
    else if (isScalar(value)) list = [value];
    else throw refuse('OPERAND_NOT_LIST', at);
    if (!list.every(isScalar)) throw refuse('OPERAND_LIST_NESTED', at);
    if (isRangeOperator(op) && list.length !== 2) throw refuse('OPERAND_NOT_PAIR', { ...at, count: list.length });
    if (list.length === 0) throw refuse('OPERAND_LIST_EMPTY', at);
    if (list.length > LIMITS.inValues) throw refuse('OPERAND_LIST_TOO_LONG', { ...at, max: LIMITS.inValues });
    return list;
  }
  if (!isScalar(value)) throw refuse('OPERAND_NOT_SCALAR', at);
  return value;
}
