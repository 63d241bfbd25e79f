/**
 * Prints a RawExpr as MySQL condition text, fully parenthesized or with only the parentheses
 * MySQL's precedence needs (plus those the raw grammar requires between AND and OR).
 */
import type { LikePart, RawExpr, RawValue } from '../../../src/where/index.js';

export interface PrintStyle {
  /** Only the parentheses MySQL's precedence needs. */
  readonly minimal: boolean;
  /** The LIKE escape character to write patterns with (backslash is MySQL's default). */
  readonly likeEscape: '\\' | '!' | '$';
  /** Write columns in backticks. */
  readonly backticks: boolean;
}

interface Printed {
  readonly text: string;
  /** MySQL precedence of the outermost operator: higher binds tighter. */
  readonly prec: number;
}

const ATOM = 100;
const UNARY = 90;
const MUL = 80;
const ADD = 70;
const COMPARE = 50;
const BETWEEN = 45;
const NOT = 40;
const AND = 30;
const OR = 20;

export function stringLiteral(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

function likeLiteral(parts: readonly LikePart[], escape: string): string {
  const pattern = parts
    .map((p) => (p.kind === 'any' ? '%' : p.kind === 'one' ? '_' : [...p.text].map((ch) => ('%_'.includes(ch) || ch === escape ? escape + ch : ch)).join('')))
    .join('');
  return stringLiteral(pattern) + (escape === '\\' ? '' : ` ESCAPE ${stringLiteral(escape)}`);
}

function wrap(p: Printed, needed: boolean, style: PrintStyle): string {
  return needed || !style.minimal ? `(${p.text})` : p.text;
}

function value(v: RawValue, style: PrintStyle): Printed {
  switch (v.kind) {
    case 'column':
      return { text: style.backticks ? `\`${v.name}\`` : v.name, prec: ATOM };
    case 'literal': {
      const x = v.value;
      if (x === null) return { text: 'NULL', prec: ATOM };
      if (typeof x === 'boolean') return { text: x ? 'TRUE' : 'FALSE', prec: ATOM };
      if (typeof x === 'number') return { text: String(x), prec: x < 0 ? UNARY : ATOM };
      return { text: stringLiteral(x), prec: ATOM };
    }
    case 'negate': {
      const operand = value(v.operand, style);
      // `--` would start a comment: a negative operand always gets parentheses.
      const text = operand.text.startsWith('-') ? `(${operand.text})` : wrap(operand, operand.prec < UNARY, style);
      return { text: `-${text}`, prec: UNARY };
    }
    case 'arith': {
      const prec = v.op === '+' || v.op === '-' ? ADD : MUL;
      const [l, r] = [value(v.left, style), value(v.right, style)];
      return { text: `${wrap(l, l.prec < prec, style)} ${v.op} ${wrap(r, r.prec <= prec, style)}`, prec };
    }
    case 'call':
      return { text: `${v.fn}(${v.args.map((a) => value(a, style).text).join(', ')})`, prec: ATOM };
  }
}

function predicate(e: RawExpr, style: PrintStyle): Printed {
  const val = (v: RawValue) => value(v, style).text;
  switch (e.kind) {
    case 'logic': {
      const prec = e.logic === 'and' ? AND : OR;
      const items = e.items.map((i) => {
        const p = predicate(i, style);
        return wrap(p, p.prec <= AND, style);
      });
      return { text: items.join(e.logic === 'and' ? ' AND ' : ' OR '), prec };
    }
    case 'not': {
      const p = predicate(e.operand, style);
      // node-sql-parser reads `NOT (x) …` as a call NOT(x): the raw grammar wants `NOT ((x) …)`.
      return { text: `NOT ${wrap(p, p.prec < NOT || p.text.startsWith('('), style)}`, prec: NOT };
    }
    case 'compare':
      return { text: `${val(e.left)} ${e.op} ${val(e.right)}`, prec: COMPARE };
    case 'in':
      return { text: `${val(e.operand)} ${e.negated ? 'NOT IN' : 'IN'} (${e.list.map(val).join(', ')})`, prec: COMPARE };
    case 'between':
      return { text: `${val(e.operand)} ${e.negated ? 'NOT BETWEEN' : 'BETWEEN'} ${val(e.low)} AND ${val(e.high)}`, prec: BETWEEN };
    case 'like':
      return { text: `${val(e.operand)} ${e.negated ? 'NOT LIKE' : 'LIKE'} ${likeLiteral(e.pattern, style.likeEscape)}`, prec: COMPARE };
    case 'isNull':
      return { text: `${val(e.operand)} ${e.negated ? 'IS NOT NULL' : 'IS NULL'}`, prec: COMPARE };
    case 'truth':
      return { text: e.value ? 'TRUE' : 'FALSE', prec: ATOM };
  }
}

export function printRaw(e: RawExpr, style: PrintStyle): string {
  return predicate(e, style).text;
}
