/** The `order` parameter: `["id DESC", "add_time ASC"]`, `RAND` for random, or a bare `id DESC`. */
import { parseJsonParam } from '../json.js';
import type { Dialect } from '../db/dialect.js';
import { ident, isIdentifier, join, raw, type Sql } from '../db/sql.js';
import type { TableInfo } from '../db/store.js';
import { refuse } from '../errors.js';
import type { OrderTerm } from './ast.js';
import { show } from './quote.js';
import { MORE_LIMITS } from './limits.js';
import { columnOf } from './validate.js';

const RANDOM = /^RAND(\(\))?$/i;

function term(text: string, paramName: string): OrderTerm {
  // split() always gives at least one word ('' for a blank term, which is no identifier).
  const words = text.trim().split(/\s+/);
  const column = words[0]!;
  const [, direction = 'ASC', ...rest] = words;
  if (words.length === 1 && RANDOM.test(column)) return { kind: 'random' };
  const dir = direction.toUpperCase();
  if (!isIdentifier(column) || rest.length || (dir !== 'ASC' && dir !== 'DESC')) {
    throw refuse('ORDER_TERM_MALFORMED', { param: paramName, term: show(text) });
  }
  return { kind: 'column', column, direction: dir };
}

export function parseOrder(text: string | undefined, paramName = 'order'): OrderTerm[] {
  const t = (text ?? '').trim();
  if (t === '') return [];
  let items: unknown[];
  if (t.startsWith('[') || t.startsWith('"')) {
    const parsed = parseJsonParam(t, paramName);
    items = Array.isArray(parsed) ? parsed : [parsed];
  } else {
    items = t.split(',');
  }
  if (items.length > MORE_LIMITS.orderTerms) throw refuse('ORDER_TOO_MANY', { param: paramName, max: MORE_LIMITS.orderTerms });
  return items.map((item) => {
    if (typeof item !== 'string') throw refuse('ORDER_TERM_NOT_STRING', { param: paramName, term: show(item) });
    return term(item, paramName);
  });
}

/** The terms as SQL without the ORDER BY keyword; null when there are none. */
export function compileOrder(terms: OrderTerm[], table: TableInfo, dialect: Dialect, paramName = 'order'): Sql | null {
  if (!terms.length) return null;
  if (terms.length > MORE_LIMITS.orderTerms) throw refuse('ORDER_TOO_MANY', { param: paramName, max: MORE_LIMITS.orderTerms });
  return join(
    terms.map((t) => {
      if (t.kind === 'random') return dialect.randomOrder;
      if (t.direction !== 'ASC' && t.direction !== 'DESC') throw refuse('ORDER_DIRECTION_INVALID', { param: paramName, direction: show(t.direction) });
      const col = columnOf(table, t.column, paramName);
      return join([ident(col.name), raw(t.direction)], ' ');
    }),
  );
}
