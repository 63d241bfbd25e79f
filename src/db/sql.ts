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
  strings.forEach((text, i) => {
    if (text) parts.push({ kind: 'text', text });
    if (i < values.length) {
      const v = values[i];
      if (v instanceof Sql) parts.push(...v.parts);
      else parts.push({ kind: 'param', value: v });
    }
  });
  return new Sql(parts);
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
  items.forEach((item, i) => {
    if (i > 0) parts.push({ kind: 'text', text: separator });
    parts.push(...item.parts);
  });
  return new Sql(parts);
}

export const empty = new Sql([]);

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
