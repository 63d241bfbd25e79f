/** Column lists: `select` / `fields` / `more_select`, comma-separated and validated. */
import { isIdentifier } from '../db/sql.js';
import type { TableInfo } from '../db/store.js';
import { refuse } from '../errors.js';
import { quote } from './quote.js';
import { MORE_LIMITS } from './limits.js';
import { columnOf } from './validate.js';

/** The named columns in order, without repeats; null when absent, empty or `*` (every column). */
export function parseSelect(text: string | undefined, paramName = 'select'): string[] | null {
  const t = (text ?? '').trim();
  // Nothing (or only commas) falls through to an empty list: null below.
  if (t === '*') return null;
  const names = t
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  if (names.length > MORE_LIMITS.selectColumns) throw refuse('SELECT_TOO_MANY', { param: paramName, max: MORE_LIMITS.selectColumns });
  for (const n of names) {
    if (!isIdentifier(n)) throw refuse('FIELD_UNKNOWN', { param: paramName, field: quote(n) });
  }
  return names.length ? [...new Set(names)] : null;
}

/** 400 for the first name that is not a column of the table. */
export function checkColumns(names: string[], table: TableInfo, paramName: string): void {
  for (const n of names) columnOf(table, n, paramName);
}
