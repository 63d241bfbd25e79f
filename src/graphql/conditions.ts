/**
 * The condition language (docs/PROTOCOL.md §5) as typed GraphQL inputs, shared by every field that
 * filters or orders rows. They convert to the where module's AST, which validates them
 * against the table like the legacy `where`/`order` parameters.
 */
import { refuse } from '../errors.js';
import { OPERATORS, whereFromInput, type OrderTerm, type Where } from '../where/index.js';
import { builder } from './builder.js';

export const Operator = builder.enumType('Operator', {
  description: 'A comparison of the condition language. IN/NIN take a list, BETWEEN/NBETWEEN a pair; LIKE without % means "contains".',
  values: OPERATORS,
});

export const Logic = builder.enumType('Logic', {
  description: 'How conditions combine.',
  values: { AND: { value: 'and' }, OR: { value: 'or' } } as const,
});

export const OrderDirection = builder.enumType('OrderDirection', { values: ['ASC', 'DESC'] as const });

export const ConditionInput = builder.inputType('ConditionInput', {
  description: 'A triple `field op value`; the field must be a column of the table.',
  fields: (t) => ({
    field: t.string({ required: true }),
    op: t.field({ type: Operator, required: true }),
    value: t.field({ type: 'JSON' }),
  }),
});

export const ConditionsInput = builder.inputType('ConditionsInput', {
  description: 'Conditions joined by `logic` (AND by default): typed triples and raw condition strings, which are parsed and allow-listed, never pasted into SQL.',
  fields: (t) => ({
    logic: t.field({ type: Logic }),
    conditions: t.field({ type: [ConditionInput] }),
    raw: t.stringList(),
  }),
});

export const OrderByInput = builder.inputType('OrderByInput', {
  description: 'One ORDER BY term: a column (ASC by default), or `random: true`.',
  fields: (t) => ({
    column: t.string(),
    direction: t.field({ type: OrderDirection }),
    random: t.boolean(),
  }),
});

type ConditionsShape = typeof ConditionsInput.$inferInput;
type OrderByShape = typeof OrderByInput.$inferInput;

export function whereOf(input: ConditionsShape | null | undefined): Where {
  return whereFromInput({
    logic: input?.logic ?? undefined,
    conditions: input?.conditions?.map((c) => ({ field: c.field, op: c.op, value: c.value })),
    raw: input?.raw ?? undefined,
  });
}

export function orderOf(input: readonly OrderByShape[] | null | undefined, argName = 'order'): OrderTerm[] {
  return (input ?? []).map((o, i) => {
    if (o.random && !o.column && !o.direction) return { kind: 'random' };
    if (!o.random && o.column) return { kind: 'column', column: o.column, direction: o.direction ?? 'ASC' };
    throw refuse('ORDER_TERM_INVALID', { name: argName, index: i });
  });
}
