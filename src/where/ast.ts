/**
 * The one typed AST every spelling of a condition becomes: legacy `where` JSON, `where_X`
 * parameters, GraphQL inputs and raw condition strings. Only the compiler turns it into SQL.
 */

export type Operator = 'EQ' | 'NE' | 'GT' | 'GE' | 'LT' | 'LE' | 'LIKE' | 'NLIKE' | 'IN' | 'NIN' | 'BETWEEN' | 'NBETWEEN';
export type Scalar = string | number | boolean | null;
export type Logic = 'and' | 'or';

export type Condition =
  /** `param` names the parameter the condition came from, for error messages (e.g. `where_year`). */
  | { kind: 'compare'; field: string; op: Operator; value: Scalar | Scalar[]; param?: string }
  | { kind: 'raw'; text: string; expr: RawExpr; param?: string }
  | { kind: 'group'; logic: Logic; items: Condition[] };

export interface Where {
  logic: Logic;
  items: Condition[];
}

export type OrderTerm = { kind: 'column'; column: string; direction: 'ASC' | 'DESC' } | { kind: 'random' };

/** A LIKE pattern, independent of any engine's escape syntax. */
export type LikePart = { kind: 'any' } | { kind: 'one' } | { kind: 'text'; text: string };

export type CompareOp = '=' | '<>' | '<' | '<=' | '>' | '>=';
export type ArithOp = '+' | '-' | '*' | '/' | '%';

/** The pure functions a raw condition may call (see functions.ts for their engine spellings). */
export type RawFunction = 'LENGTH' | 'LOWER' | 'UPPER' | 'TRIM' | 'LTRIM' | 'RTRIM' | 'ABS' | 'ROUND' | 'COALESCE';

export type RawLiteral = { kind: 'literal'; value: Scalar };

/** A value-producing node of a raw condition. */
export type RawValue =
  | { kind: 'column'; name: string }
  | RawLiteral
  | { kind: 'negate'; operand: RawValue }
  | { kind: 'arith'; op: ArithOp; left: RawValue; right: RawValue }
  | { kind: 'call'; fn: RawFunction; args: RawValue[] };

/** A truth-valued node of a raw condition: the accepted grammar, after the allow-list. */
export type RawExpr =
  | { kind: 'logic'; logic: Logic; items: RawExpr[] }
  | { kind: 'not'; operand: RawExpr }
  | { kind: 'compare'; op: CompareOp; left: RawValue; right: RawValue }
  | { kind: 'in'; negated: boolean; operand: RawValue; list: RawLiteral[] }
  | { kind: 'between'; negated: boolean; operand: RawValue; low: RawValue; high: RawValue }
  | { kind: 'like'; negated: boolean; operand: RawValue; pattern: LikePart[] }
  | { kind: 'isNull'; negated: boolean; operand: RawValue }
  | { kind: 'truth'; value: boolean };
