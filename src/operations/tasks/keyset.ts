/**
 * Keyset paging over any column order: the rows strictly after the last row read, in the order
 * `terms` (then id), so an export reads every matching row exactly once in chunks whatever the
 * table's size, without OFFSET. NULLs sort first ascending and last descending on every main
 * store engine (SQLite, MySQL/MariaDB), and the predicates below follow that.
 */
import { ident, join, sql, type Sql } from '../../db/sql.js';

export interface KeyTerm {
  readonly column: string;
  readonly direction: 'ASC' | 'DESC';
}

/** The order terms, completed by `id ASC` (and cut after id when the terms name it). */
export function keyTerms(terms: readonly KeyTerm[]): KeyTerm[] {
  const out: KeyTerm[] = [];
  for (const t of terms) {
    if (out.some((o) => o.column === t.column)) continue;
    out.push(t);
    if (t.column === 'id') return out;
  }
  out.push({ column: 'id', direction: 'ASC' });
  return out;
}

export function orderBy(terms: readonly KeyTerm[]): Sql {
  return join(terms.map((t) => sql`${ident(t.column)} ${t.direction === 'ASC' ? sql`ASC` : sql`DESC`}`));
}

function same(column: string, value: unknown): Sql {
  return value === null ? sql`${ident(column)} IS NULL` : sql`${ident(column)} = ${value}`;
}

/** After `value` in this term's order; null when nothing can be (a NULL last in DESC). */
function after(term: KeyTerm, value: unknown): Sql | null {
  const c = ident(term.column);
  if (term.direction === 'ASC') return value === null ? sql`${c} IS NOT NULL` : sql`${c} > ${value}`;
  return value === null ? null : sql`(${c} < ${value} OR ${c} IS NULL)`;
}

/** The condition "after the row whose key values are `last`"; null when no row can be after it. */
export function afterKey(terms: readonly KeyTerm[], last: Readonly<Record<string, unknown>>): Sql | null {
  const branches: Sql[] = [];
  terms.forEach((term, k) => {
    const tail = after(term, last[term.column] ?? null);
    if (!tail) return;
    const equal = terms.slice(0, k).map((t) => same(t.column, last[t.column] ?? null));
    branches.push(sql`(${join([...equal, tail], ' AND ')})`);
  });
  if (!branches.length) return null;
  return sql`(${join(branches, ' OR ')})`;
}
