/**
 * Legacy parameters and GraphQL inputs → the Where AST (PROTOCOL.md §5). Shapes are checked
 * here (operators, value forms, raw strings against the allow-list); columns and value types
 * are checked against the table by compileWhere.
 */
import { isIdentifier } from '../db/sql.js';
import type { Condition, Logic, Operator, Where } from './ast.js';
import { fail, quote, show } from './fail.js';
import { LIMITS, MORE_LIMITS } from './limits.js';
import { isOperator, operatorOf, unknownOperator } from './operators.js';
import { parseRaw } from './raw.js';
import { normalizeValue } from './values.js';

const WHERE_X = 'where_';

/** The `logic` parameter: and (default) or or, in any case. */
export function readLogic(params: ReadonlyMap<string, string>): Logic {
  const text = (params.get('logic') ?? '').trim().toLowerCase();
  if (text === '' || text === 'and') return 'and';
  if (text === 'or') return 'or';
  throw fail('logic', `应该是and或or，但现在logic = ${show(params.get('logic'))}`);
}

/** Legacy params (already decoded strings) → Where. Any `where_X` wins over `where`. */
export function readWhere(params: ReadonlyMap<string, string>): Where {
  const logic = readLogic(params);
  const fields = [...params].filter(([name]) => name.startsWith(WHERE_X));
  if (!fields.length) return { logic, items: parseWhereJson(params.get('where') ?? '', 'where') };
  const items = fields.flatMap(([name, value]) => parseWhereX(name, value));
  if (items.length > LIMITS.conditions) throw fail('where_X', `的条件不能超过${LIMITS.conditions}个`);
  return { logic, items };
}

/**
 * One `where_X` parameter: `OP-value` parts joined by `||`. OP is an upper-case operator name;
 * a part without one is an EQ value (`where_day=2020-01-01`).
 */
export function parseWhereX(name: string, text: string): Condition[] {
  const field = name.slice(WHERE_X.length);
  if (!isIdentifier(field)) throw fail(name, `中的字段 ${quote(field)} 不存在`);
  return text.split('||').map((part) => {
    const m = /^([A-Z]+)-([\s\S]*)$/.exec(part);
    const op: Operator = m && isOperator(m[1]) ? m[1] : 'EQ';
    const raw = m && isOperator(m[1]) ? m[2]! : part;
    return { kind: 'compare', field, op, value: normalizeValue(op, raw, name, field), param: name };
  });
}

function parseJson(text: string, paramName: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw fail(paramName, '的JSON数据格式错误');
  }
}

/** The `where` JSON: an array of triples `["field", "op", value]` and raw condition strings. */
export function parseWhereJson(text: string, paramName = 'where'): Condition[] {
  if (text.trim() === '') return [];
  const list = parseJson(text, paramName);
  if (!Array.isArray(list)) throw fail(paramName, '应该是JSON数组，如[["id", ">=", 1], "id <= 10"]');
  // A bare triple (`["id", ">", 9]`) cannot be read as raw strings ("id" alone is no condition).
  const items: unknown[] = isTriple(list) ? [list] : list;
  if (items.length > LIMITS.conditions) throw fail(paramName, `中的条件不能超过${LIMITS.conditions}个`);
  checkRawTotal(items.filter((i): i is string => typeof i === 'string'), paramName);
  return items.map((item, i) => {
    if (typeof item === 'string') return rawCondition(item, paramName);
    if (Array.isArray(item) && item.length === 3 && typeof item[0] === 'string') return triple(item[0], item[1], item[2], paramName);
    throw fail(paramName, `中的第${i + 1}个条件格式错误：应该是["字段", "比较符", 值]或条件字符串`);
  });
}

function checkRawTotal(raws: readonly string[], paramName: string): void {
  const total = raws.reduce((n, r) => n + r.length, 0);
  if (total > MORE_LIMITS.rawTotalLength) throw fail(paramName, `中的条件字符串合计不能超过${MORE_LIMITS.rawTotalLength}个字符`);
}

function isTriple(list: unknown[]): boolean {
  return list.length === 3 && typeof list[0] === 'string' && isIdentifier(list[0]) && operatorOf(list[1]) !== null;
}

function triple(field: unknown, op: unknown, value: unknown, paramName: string): Condition {
  if (typeof field !== 'string' || !isIdentifier(field)) throw fail(paramName, `中的字段 ${quote(field)} 不存在`);
  const operator = operatorOf(op);
  if (!operator) throw fail(paramName, unknownOperator(show(op)));
  return { kind: 'compare', field, op: operator, value: normalizeValue(operator, value, paramName, field) };
}

/** A raw condition string, parsed and allow-listed now. */
export function rawCondition(text: string, paramName = 'where'): Condition {
  if (typeof text !== 'string') throw fail(paramName, `中的条件字符串 ${show(text)} 应该是字符串`);
  return { kind: 'raw', text, expr: parseRaw(text, paramName) };
}

/** For the GraphQL face: typed input → the same AST; raw strings go through the same parser. */
export function whereFromInput(
  input: { logic?: Logic; conditions?: Array<{ field: string; op: Operator; value?: unknown }>; raw?: string[] },
  paramName = 'where',
): Where {
  const logic = input.logic ?? 'and';
  if (logic !== 'and' && logic !== 'or') throw fail('logic', '应该是and或or');
  const conditions = input.conditions ?? [];
  const raws = input.raw ?? [];
  if (conditions.length + raws.length > LIMITS.conditions) throw fail(paramName, `中的条件不能超过${LIMITS.conditions}个`);
  checkRawTotal(raws, paramName);
  return {
    logic,
    items: [...conditions.map((c) => triple(c.field, c.op, c.value, paramName)), ...raws.map((r) => rawCondition(r, paramName))],
  };
}
