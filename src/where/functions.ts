/**
 * The pure functions a raw condition may call. Each works alike on SQLite, MySQL/MariaDB and
 * SQL Server; where an engine spells one differently, `dialect.functionNames` says how.
 *
 * | accepted spellings                      | means                     | notes                                             |
 * |-----------------------------------------|---------------------------|---------------------------------------------------|
 * | LENGTH, CHAR_LENGTH, CHARACTER_LENGTH   | length in characters      | MySQL CHAR_LENGTH; SQL Server LEN ignores trailing spaces |
 * | LOWER, LCASE / UPPER, UCASE             | case mapping              | SQLite maps ASCII letters only                    |
 * | TRIM, LTRIM, RTRIM (one argument)       | strip spaces              | SQL Server 2017+ for TRIM                         |
 * | ABS                                     | absolute value            |                                                   |
 * | ROUND(x) / ROUND(x, digits)             | rounding                  | digits an integer literal; ROUND(x) is ROUND(x, 0) |
 * | COALESCE(a, b, …), IFNULL(a, b)         | first non-NULL            | IFNULL is COALESCE                                |
 * | MOD(a, b)                               | same as a % b             | NULL when b is 0                                  |
 */
import type { RawFunction } from './ast.js';

export interface FunctionSpec {
  readonly fn: RawFunction | 'MOD';
  readonly minArgs: number;
  readonly maxArgs: number;
}

const spec = (fn: FunctionSpec['fn'], minArgs: number, maxArgs = minArgs): FunctionSpec => ({ fn, minArgs, maxArgs });

export const FUNCTIONS: ReadonlyMap<string, FunctionSpec> = new Map([
  ['LENGTH', spec('LENGTH', 1)],
  ['CHAR_LENGTH', spec('LENGTH', 1)],
  ['CHARACTER_LENGTH', spec('LENGTH', 1)],
  ['LOWER', spec('LOWER', 1)],
  ['LCASE', spec('LOWER', 1)],
  ['UPPER', spec('UPPER', 1)],
  ['UCASE', spec('UPPER', 1)],
  ['TRIM', spec('TRIM', 1)],
  ['LTRIM', spec('LTRIM', 1)],
  ['RTRIM', spec('RTRIM', 1)],
  ['ABS', spec('ABS', 1)],
  ['ROUND', spec('ROUND', 1, 2)],
  ['COALESCE', spec('COALESCE', 2, 16)],
  ['IFNULL', spec('COALESCE', 2)],
  ['MOD', spec('MOD', 2)],
]);

/** What a function takes and gives; COALESCE ('same') gives the type its arguments agree on. */
export type Signature =
  | { readonly arg: 'same' }
  | { readonly arg: 'text' | 'number' | 'scalar'; readonly result: 'text' | 'number' };

/** What each function takes and gives, for the compiler's type check. */
export const SIGNATURES: Readonly<Record<RawFunction, Signature>> = {
  LENGTH: { arg: 'scalar', result: 'number' },
  LOWER: { arg: 'text', result: 'text' },
  UPPER: { arg: 'text', result: 'text' },
  TRIM: { arg: 'text', result: 'text' },
  LTRIM: { arg: 'text', result: 'text' },
  RTRIM: { arg: 'text', result: 'text' },
  ABS: { arg: 'number', result: 'number' },
  ROUND: { arg: 'number', result: 'number' },
  COALESCE: { arg: 'same' },
};
