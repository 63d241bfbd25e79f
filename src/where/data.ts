/**
 * Values to write: `data` (a JSON object) or `data_X` parameters, which win over it
 * (`data_title=x` ≡ `data={"title":"x"}`).
 */
import { parseJsonParam } from '../json.js';
import { isIdentifier } from '../db/sql.js';
import type { TableInfo } from '../db/store.js';
import { refuse } from '../errors.js';
import type { Scalar } from './ast.js';
import { quote } from './quote.js';
import { columnOf } from './validate.js';
import { coerceOrFail, columnType, isScalar, textLength } from './values.js';

const DATA_X = 'data_';

export function readData(params: ReadonlyMap<string, string>): Record<string, Scalar> | null {
  const fields = [...params].filter(([name]) => name.startsWith(DATA_X));
  if (fields.length) {
    for (const [name] of fields) {
      if (!isIdentifier(name.slice(DATA_X.length))) throw refuse('FIELD_UNKNOWN', { param: name, field: quote(name.slice(DATA_X.length)) });
    }
    // fromEntries defines own properties, so a `__proto__` key stays a plain key.
    return Object.fromEntries(fields.map(([name, value]) => [name.slice(DATA_X.length), value]));
  }
  return parseDataJson(params.get('data'), 'data');
}

/** A JSON object of column → scalar; null when the text is absent or empty. */
export function parseDataJson(text: string | undefined, paramName = 'data'): Record<string, Scalar> | null {
  if (text === undefined || text.trim() === '') return null;
  return dataObject(parseJsonParam(text, paramName), paramName);
}

/** A parsed value as column → scalar (a JSON object of single values), or a 400 naming the parameter. */
export function dataObject(value: unknown, paramName = 'data'): Record<string, Scalar> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw refuse('DATA_NOT_OBJECT', { param: paramName });
  const entries = Object.entries(value);
  for (const [key, v] of entries) {
    if (!isIdentifier(key)) throw refuse('FIELD_UNKNOWN', { param: paramName, field: quote(key) });
    if (!isScalar(v)) throw refuse('VALUE_NOT_SCALAR', { param: paramName, field: quote(key) });
  }
  return Object.fromEntries(entries) as Record<string, Scalar>;
}

/** Every key a column; every value fit for it (numbers for numeric columns, NULL only where allowed). */
export function checkData(data: Record<string, Scalar>, table: TableInfo, paramName = 'data'): void {
  for (const [key, value] of Object.entries(data)) {
    const col = columnOf(table, key, paramName);
    if (value === null) {
      if (!col.nullable) throw refuse('VALUE_NOT_NULLABLE', { param: paramName, field: quote(key) });
      continue;
    }
    if (!isScalar(value)) throw refuse('VALUE_NOT_SCALAR', { param: paramName, field: quote(key) });
    // Measured as written: a boolean goes to a text column as 1 or 0.
    const written = coerceOrFail(value, columnType(col), paramName, key);
    const length = textLength(String(written));
    if (col.maxLength !== null && length > col.maxLength) {
      throw refuse('VALUE_TOO_LONG', { param: paramName, field: quote(key), max: col.maxLength, len: length });
    }
  }
}
