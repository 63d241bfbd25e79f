/** Operator spellings of the condition language (docs/PROTOCOL.md §5). */
import type { Operator } from './ast.js';

export const OPERATORS: readonly Operator[] = ['EQ', 'NE', 'GT', 'GE', 'LT', 'LE', 'LIKE', 'NLIKE', 'IN', 'NIN', 'BETWEEN', 'NBETWEEN'];

const ALIASES: ReadonlyMap<string, Operator> = new Map<string, Operator>([
  ...OPERATORS.map((op) => [op, op] as const),
  ['=', 'EQ'],
  ['<>', 'NE'],
  ['!=', 'NE'],
  ['>', 'GT'],
  ['>=', 'GE'],
  ['<', 'LT'],
  ['<=', 'LE'],
  ['NOT LIKE', 'NLIKE'],
  ['NOT IN', 'NIN'],
  ['NOT BETWEEN', 'NBETWEEN'],
]);

/** A triple's operator: a symbol or a word in any case; null when it is none of them. */
export function operatorOf(text: unknown): Operator | null {
  if (typeof text !== 'string') return null;
  return ALIASES.get(text.trim().replace(/\s+/g, ' ').toUpperCase()) ?? null;
}

export function isOperator(op: unknown): op is Operator {
  return typeof op === 'string' && (OPERATORS as readonly string[]).includes(op);
}

export const isListOperator = (op: Operator): boolean => op === 'IN' || op === 'NIN';
export const isRangeOperator = (op: Operator): boolean => op === 'BETWEEN' || op === 'NBETWEEN';
