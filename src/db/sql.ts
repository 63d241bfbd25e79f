/**
 * A tiny SQL fragment builder: the only way yesgraph assembles SQL text.
 *
 * Values interpolated into `sql`...`` become bound parameters; identifiers go through
 * `ident()` and are quoted by the dialect; constant keywords through `raw()` (never user
 * text). `render()` turns a fragment into engine text with the dialect's placeholders.
 */

/** What rendering needs of a dialect (src/db/dialect.ts extends it). */
export interface RenderDialect {
  readonly name: string;
  quoteIdent(name: string): string;
  placeholder(index: number): string;
  readonly maxParams: number;
}

type Part =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'param'; readonly value: unknown }
  | { readonly kind: 'ident'; readonly name: string };

export class Sql {
  constructor(readonly parts: readonly Part[]) {}

  /** Number of bound parameters this fragment carries. */
  get paramCount(): number {
    return this.parts.reduce((n, p) => n + (p.kind === 'param' ? 1 : 0), 0);
  }
}

/** Tagged template: `${x}` is a bound value unless x is itself a Sql fragment. */
export function sql(strings: TemplateStringsArray, ...values: unknown[]): Sql {
  const parts: Part[] = [];
  for (let i = 0; i < strings.length; i++) {
    const text = strings[i]!;
    if (text) parts.push({ kind: 'text', text });
    if (i < values.length) {
      const v = values[i];
      if (v instanceof Sql) append(parts, v);
      else parts.push({ kind: 'param', value: v });
    }
  }
  return new Sql(parts);
}

/** `parts.push(...fragment.parts)` without the spread, which costs more than the loop on hot paths. */
function append(parts: Part[], fragment: Sql): void {
  const more = fragment.parts;
  for (let i = 0; i < more.length; i++) parts.push(more[i]!);
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** True for names yesgraph accepts as table or column identifiers. */
export function isIdentifier(name: string): boolean {
  return IDENT.test(name);
}

/** A quoted identifier. Names outside [A-Za-z_][A-Za-z0-9_]* are refused outright. */
export function ident(name: string): Sql {
  if (!IDENT.test(name)) throw new Error(`invalid SQL identifier: ${JSON.stringify(name)}`);
  return new Sql([{ kind: 'ident', name }]);
}

/** Constant SQL text written in yesgraph's source. Never pass user input here. */
export function raw(text: string): Sql {
  return new Sql([{ kind: 'text', text }]);
}

export function param(value: unknown): Sql {
  return new Sql([{ kind: 'param', value }]);
}

export function join(items: readonly Sql[], separator = ', '): Sql {
  const parts: Part[] = [];
  const between: Part = { kind: 'text', text: separator };
  for (let i = 0; i < items.length; i++) {
    if (i > 0) parts.push(between);
    append(parts, items[i]!);
  }
  return new Sql(parts);
}

export const empty = new Sql([]);

const ROW_OPEN: Part = { kind: 'text', text: '(' };
const ROW_NEXT: Part = { kind: 'text', text: '), (' };
const ROW_CLOSE: Part = { kind: 'text', text: ')' };
const COMMA: Part = { kind: 'text', text: ', ' };

/**
 * `(v, v, …), (v, v, …)`: the rows of a multi-row INSERT, every value bound. The same as joining
 * one `sql` fragment per row, built without them: a batch of hundreds of rows was thousands of
 * short-lived objects.
 */
export function valueRows(rows: readonly (readonly unknown[])[]): Sql {
  const parts: Part[] = [];
  for (let r = 0; r < rows.length; r++) {
    parts.push(r === 0 ? ROW_OPEN : ROW_NEXT);
    const row = rows[r]!;
    for (let i = 0; i < row.length; i++) {
      if (i > 0) parts.push(COMMA);
      parts.push({ kind: 'param', value: row[i] });
    }
  }
  if (rows.length) parts.push(ROW_CLOSE);
  return new Sql(parts);
}

/** Lists this long or shorter go into `IN (…)` as they are. */
const IN_LIST_EXACT = 8;

/**
 * The values of an `IN (…)` list as parameters, padded to a power of two (at most `limit`) by
 * repeating the last value: IN ignores repeats, so the rows are the same. A prepared statement is
 * cached per distinct text (by the driver on each connection, and on the server, which allows
 * only `max_prepared_stmt_count` in all); without padding every list length is a statement of
 * its own, and those caches fill with near-copies that differ only in their number of `?`.
 */
export function inList(values: readonly unknown[], limit = Infinity): Sql {
  if (!values.length) throw new Error('inList needs at least one value');
  let size = values.length;
  if (size > IN_LIST_EXACT) size = Math.min(2 ** Math.ceil(Math.log2(size)), Math.max(limit, values.length));
  const padded = size === values.length ? values : [...values, ...Array<unknown>(size - values.length).fill(values.at(-1))];
  return join(padded.map((v) => param(v)));
}

/** The largest power of two not above `n` (1 for anything below 2). */
export function powerOfTwoAtMost(n: number): number {
  return 2 ** Math.floor(Math.log2(Math.max(1, n)));
}

/**
 * Splits `count` rows into runs whose lengths are powers of two, largest first (at most `max`
 * each, itself rounded down to a power of two): multi-row INSERTs of those lengths are few
 * distinct statements, whatever the counts, for the same reason as `inList`.
 */
export function powerOfTwoRuns(count: number, max: number): number[] {
  const cap = powerOfTwoAtMost(max);
  const runs: number[] = [];
  let left = count;
  while (left > 0) {
    const run = Math.min(cap, powerOfTwoAtMost(left));
    runs.push(run);
    left -= run;
  }
  return runs;
}

export interface Rendered {
  readonly text: string;
  readonly params: unknown[];
}

export function render(q: Sql, dialect: RenderDialect): Rendered {
  let text = '';
  const params: unknown[] = [];
  for (const p of q.parts) {
    if (p.kind === 'text') text += p.text;
    else if (p.kind === 'ident') text += dialect.quoteIdent(p.name);
    else {
      params.push(p.value);
      text += dialect.placeholder(params.length);
    }
  }
  if (params.length > dialect.maxParams) {
    throw new Error(`statement has ${params.length} parameters; ${dialect.name} allows ${dialect.maxParams}`);
  }
  return { text, params };
}
