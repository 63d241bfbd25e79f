/**
 * Random condition trees over the property table `prop` (id, n, m integers; s text of the
 * letters a–c; p text with LIKE metacharacters, compared only for equality and LIKE since
 * engines order punctuation differently). Values stay small so no engine overflows, and text is
 * lower case so that case-insensitive collations and SQLite agree.
 */
import fc from 'fast-check';
import type { CompareOp, LikePart, Logic, Operator, RawExpr, RawLiteral, RawValue, Scalar } from '../../../src/where/index.js';
import type { PrintStyle } from './print.js';
import type { Row } from './reference.js';

const N = [null, -3, 0, 1, 2, 5, 7, 12, 3, -1, 10];
const M = [null, 0, 1, 2, -2, 3, 5];
const S = [null, '', 'a', 'b', 'ab', 'ba', 'abc', 'cab', 'bb', 'c', 'aaa'];
const P = ['a%b', 'a_b', 'x!y', 'ab', '%', '_', '!', 'a', 'b%', 'xa!'];

export const PROP_ROWS: readonly Row[] = Array.from({ length: 30 }, (_, i) => ({
  id: i + 1,
  n: N[(i * 7) % N.length]!,
  m: M[(i * 5) % M.length]!,
  s: S[(i * 3) % S.length]!,
  p: P[i % P.length]!,
}));

export const PROP_NUMERIC = new Set(['id', 'n', 'm']);

/** A condition as generated: raw ones keep their AST, printed in the property. */
export type Spec =
  | { kind: 'compare'; field: string; opText: string; op: Operator; value: Scalar | Scalar[] }
  | { kind: 'raw'; expr: RawExpr }
  | { kind: 'group'; logic: Logic; items: Spec[] };

const lit = (value: Scalar): RawLiteral => ({ kind: 'literal', value });
const col = (name: string): RawValue => ({ kind: 'column', name });

const intLit = fc.integer({ min: -5, max: 12 }).map(lit);
const halfLit = fc.constantFrom(-1.5, 0.5, 2.5, 7.5).map(lit);
const letters = fc.string({ unit: fc.constantFrom('a', 'b', 'c'), maxLength: 3 });
const strLit = letters.map(lit);
const pText = fc.constantFrom(...P, 'zz', 'a!', '%b');

const numLeaf: fc.Arbitrary<RawValue> = fc.oneof(fc.constantFrom('id', 'n', 'm').map(col), intLit);
const textLeaf: fc.Arbitrary<RawValue> = fc.oneof(fc.constant(col('s')), strLit);

function numValue(depth: number): fc.Arbitrary<RawValue> {
  if (depth === 0) return numLeaf;
  const sub = numValue(depth - 1);
  return fc.oneof(
    { weight: 3, arbitrary: numLeaf },
    { weight: 1, arbitrary: sub.map((operand): RawValue => ({ kind: 'negate', operand })) },
    {
      weight: 2,
      arbitrary: fc.record({ op: fc.constantFrom('+', '-', '*', '%' as const), left: sub, right: sub }).map((a): RawValue => ({ kind: 'arith', ...a })),
    },
    { weight: 1, arbitrary: sub.map((x): RawValue => ({ kind: 'call', fn: 'ABS', args: [x] })) },
    { weight: 1, arbitrary: textValue(depth - 1).map((x): RawValue => ({ kind: 'call', fn: 'LENGTH', args: [x] })) },
    { weight: 1, arbitrary: fc.tuple(sub, intLit).map(([a, b]): RawValue => ({ kind: 'call', fn: 'COALESCE', args: [a, b] })) },
  );
}

function textValue(depth: number): fc.Arbitrary<RawValue> {
  if (depth === 0) return textLeaf;
  const sub = textValue(depth - 1);
  return fc.oneof(
    { weight: 3, arbitrary: textLeaf },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('LOWER', 'TRIM', 'LTRIM', 'RTRIM' as const), sub).map(([fn, x]): RawValue => ({ kind: 'call', fn, args: [x] })) },
    { weight: 1, arbitrary: fc.tuple(sub, strLit).map(([a, b]): RawValue => ({ kind: 'call', fn: 'COALESCE', args: [a, b] })) },
  );
}

const compareOp = fc.constantFrom<CompareOp>('=', '<>', '<', '<=', '>', '>=');
const negated = fc.boolean();

function likeParts(chars: readonly string[]): fc.Arbitrary<LikePart[]> {
  return fc.array(
    fc.oneof(
      fc.constant<LikePart>({ kind: 'any' }),
      fc.constant<LikePart>({ kind: 'one' }),
      fc.constantFrom(...chars).map((text): LikePart => ({ kind: 'text', text })),
    ),
    { maxLength: 4 },
  );
}

const rawLeaf: fc.Arbitrary<RawExpr> = fc.oneof(
  fc.record({ op: compareOp, left: numValue(2), right: fc.oneof(numValue(1), halfLit) }).map((c): RawExpr => ({ kind: 'compare', ...c })),
  fc.record({ op: compareOp, left: textValue(1), right: textValue(1) }).map((c): RawExpr => ({ kind: 'compare', ...c })),
  fc.record({ op: fc.constantFrom<CompareOp>('=', '<>'), right: pText.map(lit) }).map((c): RawExpr => ({ kind: 'compare', op: c.op, left: col('p'), right: c.right })),
  // Division stays at the top of a comparison with an integer or a half: engines round a
  // repeating quotient differently, but never across such a value for operands this small.
  fc
    .record({ op: compareOp, left: numValue(1), right: numValue(1), than: fc.oneof(intLit, halfLit) })
    .map(({ op, left, right, than }): RawExpr => ({ kind: 'compare', op, left: { kind: 'arith', op: '/', left, right }, right: than })),
  fc.record({ op: compareOp, left: numValue(1) }).map((c): RawExpr => ({ kind: 'compare', op: c.op, left: c.left, right: lit(null) })),
  fc
    .record({ negated, operand: numValue(1), list: fc.array(fc.oneof({ weight: 5, arbitrary: intLit }, { weight: 1, arbitrary: fc.constant(lit(null)) }), { minLength: 1, maxLength: 4 }) })
    .map((c): RawExpr => ({ kind: 'in', ...c })),
  fc
    .record({ negated, operand: textValue(1), list: fc.array(fc.oneof({ weight: 5, arbitrary: strLit }, { weight: 1, arbitrary: fc.constant(lit(null)) }), { minLength: 1, maxLength: 4 }) })
    .map((c): RawExpr => ({ kind: 'in', ...c })),
  fc.record({ negated, list: fc.array(pText.map(lit), { minLength: 1, maxLength: 3 }) }).map((c): RawExpr => ({ kind: 'in', negated: c.negated, operand: col('p'), list: c.list })),
  fc.record({ negated, operand: numValue(1), low: fc.oneof(intLit, numValue(0)), high: fc.oneof(intLit, numValue(0)) }).map((c): RawExpr => ({ kind: 'between', ...c })),
  fc.record({ negated, low: strLit, high: strLit }).map((c): RawExpr => ({ kind: 'between', negated: c.negated, operand: col('s'), low: c.low, high: c.high })),
  fc.record({ negated, operand: textValue(1), pattern: likeParts(['a', 'b', 'c']) }).map((c): RawExpr => ({ kind: 'like', ...c })),
  fc.record({ negated, pattern: likeParts(['a', 'b', 'x', '%', '_', '!', '\\', "'"]) }).map((c): RawExpr => ({ kind: 'like', negated: c.negated, operand: col('p'), pattern: c.pattern })),
  fc.record({ negated, operand: fc.constantFrom('n', 'id').map(col), pattern: likeParts(['1', '2', '-', '0']) }).map((c): RawExpr => ({ kind: 'like', ...c })),
  fc.record({ negated, operand: fc.oneof(numValue(1), textValue(1)) }).map((c): RawExpr => ({ kind: 'isNull', ...c })),
  fc.boolean().map((value): RawExpr => ({ kind: 'truth', value })),
);

function rawExpr(depth: number): fc.Arbitrary<RawExpr> {
  if (depth === 0) return rawLeaf;
  const sub = rawExpr(depth - 1);
  return fc.oneof(
    { weight: 3, arbitrary: rawLeaf },
    { weight: 1, arbitrary: sub.map((operand): RawExpr => ({ kind: 'not', operand })) },
    {
      weight: 2,
      arbitrary: fc.record({ logic: fc.constantFrom<Logic>('and', 'or'), items: fc.array(sub, { minLength: 2, maxLength: 3 }) }).map((l): RawExpr => ({ kind: 'logic', ...l })),
    },
  );
}

const SPELLINGS: Record<Operator, readonly string[]> = {
  EQ: ['=', 'EQ', 'eq'],
  NE: ['<>', '!=', 'NE', 'ne'],
  GT: ['>', 'GT', 'gt'],
  GE: ['>=', 'GE'],
  LT: ['<', 'LT', 'lt'],
  LE: ['<=', 'LE'],
  LIKE: ['LIKE', 'like'],
  NLIKE: ['NLIKE', 'nlike'],
  IN: ['IN', 'in'],
  NIN: ['NIN', 'nin'],
  BETWEEN: ['BETWEEN', 'between'],
  NBETWEEN: ['NBETWEEN', 'nbetween'],
};

function spelled(op: Operator): fc.Arbitrary<{ op: Operator; opText: string }> {
  return fc.constantFrom(...SPELLINGS[op]).map((opText) => ({ op, opText }));
}

function tripleOf(field: string, ops: readonly Operator[], scalar: fc.Arbitrary<Scalar>, likeValue: fc.Arbitrary<Scalar>): fc.Arbitrary<Spec> {
  const nonNull = scalar.filter((v) => v !== null);
  // Inside "a,b" text every value is text: booleans would read as "true", and a lone '' as no value.
  const plain = scalar.filter((v) => v !== null && typeof v !== 'boolean');
  const valueFor = (op: Operator): fc.Arbitrary<Scalar | Scalar[]> => {
    switch (op) {
      case 'IN':
      case 'NIN':
        return fc.oneof(
          fc.array(scalar, { minLength: 1, maxLength: 4 }),
          fc.array(plain, { minLength: 1, maxLength: 4 }).map((l) => l.map(String).join(',')).filter((t) => t !== ''),
        );
      case 'BETWEEN':
      case 'NBETWEEN':
        return fc.oneof(fc.tuple(nonNull, nonNull), fc.tuple(plain, plain).map(([a, b]) => `${String(a)},${String(b)}`));
      case 'LIKE':
      case 'NLIKE':
        return likeValue;
      case 'EQ':
      case 'NE':
        return scalar;
      default:
        return nonNull;
    }
  };
  return fc
    .constantFrom(...ops)
    .chain((op) => fc.tuple(spelled(op), valueFor(op)))
    .map(([{ op, opText }, value]): Spec => ({ kind: 'compare', field, op, opText, value }));
}

const ALL_OPS: readonly Operator[] = ['EQ', 'NE', 'GT', 'GE', 'LT', 'LE', 'LIKE', 'NLIKE', 'IN', 'NIN', 'BETWEEN', 'NBETWEEN'];

const tripleLeaf: fc.Arbitrary<Spec> = fc.oneof(
  fc.constantFrom('id', 'n', 'm').chain((field) =>
    tripleOf(
      field,
      ALL_OPS,
      fc.oneof({ weight: 4, arbitrary: fc.integer({ min: -4, max: 13 }) }, { weight: 2, arbitrary: fc.integer({ min: -4, max: 13 }).map(String) }, { weight: 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.boolean() }),
      fc.oneof(fc.constantFrom('1', '2', '-', '0', '1%', '%2', '_'), fc.integer({ min: 0, max: 12 })),
    ),
  ),
  tripleOf(
    's',
    ALL_OPS,
    fc.oneof({ weight: 5, arbitrary: letters }, { weight: 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 3 }) }),
    fc.oneof(letters, fc.string({ unit: fc.constantFrom('a', 'b', '%', '_'), maxLength: 4 })),
  ),
  tripleOf(
    'p',
    ['EQ', 'NE', 'IN', 'NIN', 'LIKE', 'NLIKE'],
    fc.oneof({ weight: 6, arbitrary: pText }, { weight: 1, arbitrary: fc.constant(null) }),
    fc.string({ unit: fc.constantFrom('a', 'b', 'x', '%', '_', '!'), maxLength: 4 }),
  ),
);

function spec(depth: number): fc.Arbitrary<Spec> {
  const leaf = fc.oneof(tripleLeaf, rawExpr(2).map((expr): Spec => ({ kind: 'raw', expr })));
  if (depth === 0) return leaf;
  return fc.oneof(
    { weight: 4, arbitrary: leaf },
    {
      weight: 1,
      arbitrary: fc.record({ logic: fc.constantFrom<Logic>('and', 'or'), items: fc.array(spec(depth - 1), { minLength: 1, maxLength: 3 }) }).map((g): Spec => ({ kind: 'group', ...g })),
    },
  );
}

export const whereSpec = fc.record({ logic: fc.constantFrom<Logic>('and', 'or'), items: fc.array(spec(2), { minLength: 1, maxLength: 4 }) });

export const printStyle: fc.Arbitrary<PrintStyle> = fc.record({
  minimal: fc.boolean(),
  likeEscape: fc.constantFrom('\\', '!', '$' as const),
  backticks: fc.boolean(),
});
