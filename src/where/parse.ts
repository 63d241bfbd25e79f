/**
 * Legacy parameters and GraphQL inputs → the Where AST (docs/PROTOCOL.md §5). Shapes are checked
 * here (operators, value forms, raw strings against the allow-list); columns and value types
 * are checked against the table by compileWhere.
 */
import { parseJsonParam } from '../json.js';
import { isIdentifier } from '../db/sql.js';
import { refuse } from '../errors.js';
import type { Condition, Logic, Operator, Where } from './ast.js';
import { quote, show } from './quote.js';
import { LIMITS, MORE_LIMITS } from './limits.js';
import { isOperator, operatorOf } from './operators.js';
import { parseRaw } from './raw.js';
import { normalizeValue } from './values.js';

const WHERE_X = 'where_';

/** The `logic` parameter: and (default) or or, in any case. */
export function readLogic(params: ReadonlyMap<string, string>): Logic {
  const text = (params.get('logic') ?? '').trim().toLowerCase();
  if (text === '' || text === 'and') return 'and';
  if (text === 'or') return 'or';
  throw refuse('LOGIC_INVALID', { param: 'logic', value: show(params.get('logic')) });
}

/** Legacy params (already decoded strings) → Where. Any `where_X` wins over `where`. */
export function readWhere(params: ReadonlyMap<string, string>): Where {
  const logic = readLogic(params);
  const fields = [...params].filter(([name]) => name.startsWith(WHERE_X));
  if (!fields.length) return { logic, items: parseWhereJson(params.get('where') ?? '', 'where') };
  const items = fields.flatMap(([name, value]) => parseWhereX(name, value));
  if (items.length > LIMITS.conditions) throw refuse('CONDITIONS_TOO_MANY', { param: 'where_X', max: LIMITS.conditions });
  return { logic, items };
}

/**
 * One `where_X` parameter: `OP-value` parts joined by `||`. OP is an upper-case operator name;
 * a part without one is an EQ value (`where_day=2020-01-01`).
 */
export function parseWhereX(name: string, text: string): Condition[] {
  const field = name.slice(WHERE_X.length);
  if (!isIdentifier(field)) throw refuse('FIELD_UNKNOWN', { param: name, field: quote(field) });
  return text.split('||').map((part) => {
    const m = /^([A-Z]+)-([\s\S]*)$/.exec(part);
    const op: Operator = m && isOperator(m[1]) ? m[1] : 'EQ';
    const raw = m && isOperator(m[1]) ? m[2]! : part;
    return { kind: 'compare', field, op, value: normalizeValue(op, raw, name, field), param: name };
  });
}

function parseJson(text: string, paramName: string): unknown {
  return parseJsonParam(text, paramName);
}

/** The `where` JSON: an array of triples `["field", "op", value]` and raw condition strings. */
export function parseWhereJson(text: string, paramName = 'where'): Condition[] {
  if (text.trim() === '') return [];
  const list = parseJson(text, paramName);
  if (!Array.isArray(list)) throw refuse('WHERE_NOT_ARRAY', { param: paramName });
  // A bare triple (`["id", ">", 9]`) cannot be read as raw strings ("id" alone is no condition).
  const items: unknown[] = isTriple(list) ? [list] : list;
  if (items.length > LIMITS.conditions) throw refuse('CONDITIONS_TOO_MANY', { param: paramName, max: LIMITS.conditions });
  checkRawTotal(items.filter((i): i is string => typeof i === 'string'), paramName);
  return items.map((item, i) => {
    if (typeof item === 'string') return rawCondition(item, paramName);
    if (Array.isArray(item) && item.length === 3 && typeof item[0] === 'string') return triple(item[0], item[1], item[2], paramName);
    throw refuse('CONDITION_MALFORMED', { param: paramName, index: i + 1 });
  });
}

function checkRawTotal(raws: readonly string[], paramName: string): void {
  const total = raws.reduce((n, r) => n + r.length, 0);
  if (total > MORE_LIMITS.rawTotalLength) throw refuse('RAW_TOTAL_TOO_LONG', { param: paramName, max: MORE_LIMITS.rawTotalLength });
}

function isTriple(list: unknown[]): boolean {
  return list.length === 3 && typeof list[0] === 'string' && isIdentifier(list[0]) && operatorOf(list[1]) !== null;
}

function triple(field: unknown, op: unknown, value: unknown, paramName: string): Condition {
  if (typeof field !== 'string' || !isIdentifier(field)) throw refuse('FIELD_UNKNOWN', { param: paramName, field: quote(field) });
  const operator = operatorOf(op);
  if (!operator) throw refuse('OPERATOR_UNKNOWN', { param: paramName, op: show(op) });
  return { kind: 'compare', field, op: operator, value: normalizeValue(operator, value, paramName, field) };
}

/** A raw condition string, parsed and allow-listed now. */
export function rawCondition(text: string, paramName = 'where'): Condition {
  if (typeof text !== 'string') throw refuse('RAW_NOT_STRING', { param: paramName, text: show(text) });
  return { kind: 'raw', text, expr: parseRaw(text, paramName) };
}

/** For the GraphQL face: typed input → the same AST; raw strings go through the same parser. */
export function whereFromInput(
  input: { logic?: Logic; conditions?: Array<{ field: string; op: Operator; value?: unknown }>; raw?: string[] },
  paramName = 'where',
): Where {
  const logic = input.logic ?? 'and';
  if (logic !== 'and' && logic !== 'or') throw refuse('LOGIC_INVALID', { param: 'logic', value: show(logic) });
  const conditions = input.conditions ?? [];
  const raws = input.raw ?? [];
  if (conditions.length + raws.length > LIMITS.conditions) throw refuse('CONDITIONS_TOO_MANY', { param: paramName, max: LIMITS.conditions });
  checkRawTotal(raws, paramName);
  return {
    logic,
    items: [...conditions.map((c) => triple(c.field, c.op, c.value, paramName)), ...raws.map((r) => rawCondition(r, paramName))],
  };
}
