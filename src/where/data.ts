/**
 * Values to write: `data` (a JSON object) or `data_X` parameters, which win over it
 * (`data_title=x` ≡ `data={"title":"x"}`).
 */
import { isIdentifier } from '../db/sql.js';
import type { TableInfo } from '../db/store.js';
import type { Scalar } from './ast.js';
import { fail, quote } from './fail.js';
import { columnOf } from './validate.js';
import { coerceOrFail, columnType, isScalar } from './values.js';

const DATA_X = 'data_';

export function readData(params: ReadonlyMap<string, string>): Record<string, Scalar> | null {
  const fields = [...params].filter(([name]) => name.startsWith(DATA_X));
  if (fields.length) {
    for (const [name] of fields) {
      if (!isIdentifier(name.slice(DATA_X.length))) throw fail(name, `中的字段 ${quote(name.slice(DATA_X.length))} 不存在`);
    }
    // fromEntries defines own properties, so a `__proto__` key stays a plain key.
    return Object.fromEntries(fields.map(([name, value]) => [name.slice(DATA_X.length), value]));
  }
  return parseDataJson(params.get('data'), 'data');
}

/** A JSON object of column → scalar; null when the text is absent or empty. */
export function parseDataJson(text: string | undefined, paramName = 'data'): Record<string, Scalar> | null {
  if (text === undefined || text.trim() === '') return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw fail(paramName, '的JSON数据格式错误');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw fail(paramName, '应该是JSON对象，如{"title": "x"}');
  }
  const entries = Object.entries(parsed);
  for (const [key, value] of entries) {
    if (!isIdentifier(key)) throw fail(paramName, `中的字段 ${quote(key)} 不存在`);
    if (!isScalar(value)) throw fail(paramName, `中字段 ${quote(key)} 的值应该是单个值，不能是数组或对象`);
  }
  return Object.fromEntries(entries) as Record<string, Scalar>;
}

/** Every key a column; every value fit for it (numbers for numeric columns, NULL only where allowed). */
export function checkData(data: Record<string, Scalar>, table: TableInfo, paramName = 'data'): void {
  for (const [key, value] of Object.entries(data)) {
    const col = columnOf(table, key, paramName);
    if (value === null) {
      if (!col.nullable) throw fail(paramName, `中字段 ${quote(key)} 不能为NULL`);
      continue;
    }
    if (!isScalar(value)) throw fail(paramName, `中字段 ${quote(key)} 的值应该是单个值，不能是数组或对象`);
    coerceOrFail(value, columnType(col), paramName, key);
    const length = [...String(value)].length;
    if (col.maxLength !== null && length > col.maxLength) {
      throw fail(paramName, `中字段 ${quote(key)} 的值最多${col.maxLength}个字符, 但现在有${length}个`);
    }
  }
}
