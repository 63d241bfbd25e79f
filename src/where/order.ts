/** The `order` parameter: `["id DESC", "add_time ASC"]`, `RAND` for random, or a bare `id DESC`. */
import type { Dialect } from '../db/dialect.js';
import { ident, isIdentifier, join, raw, type Sql } from '../db/sql.js';
import type { TableInfo } from '../db/store.js';
import type { OrderTerm } from './ast.js';
import { fail, show } from './fail.js';
import { MORE_LIMITS } from './limits.js';
import { columnOf } from './validate.js';

const RANDOM = /^RAND(\(\))?$/i;

function term(text: string, paramName: string): OrderTerm {
  const words = text.trim().split(/\s+/);
  const [column, direction = 'ASC', ...rest] = words;
  if (column !== undefined && RANDOM.test(column) && words.length === 1) return { kind: 'random' };
  const dir = direction.toUpperCase();
  if (!column || !isIdentifier(column) || rest.length || (dir !== 'ASC' && dir !== 'DESC')) {
    throw fail(paramName, `中的排序 ${show(text)} 格式错误：应该是"字段 ASC"、"字段 DESC"或"RAND"`);
  }
  return { kind: 'column', column, direction: dir };
}

export function parseOrder(text: string | undefined, paramName = 'order'): OrderTerm[] {
  const t = (text ?? '').trim();
  if (t === '') return [];
  let items: unknown[];
  if (t.startsWith('[') || t.startsWith('"')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(t);
    } catch {
      throw fail(paramName, '的JSON数据格式错误');
    }
    items = Array.isArray(parsed) ? parsed : [parsed];
  } else {
    items = t.split(',');
  }
  if (items.length > MORE_LIMITS.orderTerms) throw fail(paramName, `中的排序不能超过${MORE_LIMITS.orderTerms}个`);
  return items.map((item) => {
    if (typeof item !== 'string') throw fail(paramName, `中的排序 ${show(item)} 格式错误：应该是字符串，如"id DESC"`);
    return term(item, paramName);
  });
}

/** The terms as SQL without the ORDER BY keyword; null when there are none. */
export function compileOrder(terms: OrderTerm[], table: TableInfo, dialect: Dialect, paramName = 'order'): Sql | null {
  if (!terms.length) return null;
  if (terms.length > MORE_LIMITS.orderTerms) throw fail(paramName, `中的排序不能超过${MORE_LIMITS.orderTerms}个`);
  return join(
    terms.map((t) => {
      if (t.kind === 'random') return dialect.randomOrder;
      if (t.direction !== 'ASC' && t.direction !== 'DESC') throw fail(paramName, `中的排序方向 ${show(t.direction)} 应该是ASC或DESC`);
      const col = columnOf(table, t.column, paramName);
      return join([ident(col.name), raw(t.direction)], ' ');
    }),
  );
}
