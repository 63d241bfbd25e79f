/**
 * Hosted tables (App.Table.*): rows as `TableRow`, a page of them as `tableRows`, and the
 * mutations `createRow`, `updateRow`, `deleteRow` and `popOne`, each answering a union of its
 * success and `BusinessError` (the legacy err_codes).
 */
import { refuse } from '../errors.js';
import { popInput, popOne } from '../operations/tables/pop-one.js';
import { tableInput } from '../operations/tables/hosted.js';
import { createRow, deleteRow, getRow, pageInput, queryRows, updateRow, type AnsweredRow } from '../operations/tables/rows.js';
import { dataObject } from '../where/index.js';
import { defaultOf } from './args.js';
import { builder } from './builder.js';
import { BusinessError } from './business-error.js';
import { ConditionsInput, OrderByInput, orderOf, whereOf } from './conditions.js';
import { opOf } from './context.js';

const TableRow = builder.objectRef<AnsweredRow>('TableRow').implement({
  description: 'A row of a hosted table. Values are text, as the legacy face answers them; a column left out of `fields`/`select` is null.',
  fields: (t) => ({
    id: t.string({ nullable: true, resolve: (r) => r.id ?? null }),
    uuid: t.string({ nullable: true, description: 'The owner; empty for a guest row.', resolve: (r) => r.uuid ?? null }),
    addTime: t.string({ nullable: true, resolve: (r) => r.add_time ?? null }),
    updateTime: t.string({ nullable: true, resolve: (r) => r.update_time ?? null }),
    values: t.field({ type: 'JSON', description: 'Every answered column.', resolve: (r) => r }),
    value: t.string({
      nullable: true,
      args: { column: t.arg.string({ required: true }) },
      resolve: (r, { column }) => {
        if (!Object.hasOwn(r, column)) throw refuse('TREE_COLUMN_NOT_SELECTED', { column });
        return r[column] ?? null;
      },
    }),
  }),
});

const TablePage = builder.objectRef<{ total: number; list: AnsweredRow[] }>('TablePage').implement({
  fields: (t) => ({
    total: t.int({ description: 'Matching rows in all.', resolve: (p) => p.total }),
    items: t.field({ type: [TableRow], resolve: (p) => p.list }),
  }),
});

const PopOrder = builder.enumType('PopOrder', {
  description: 'Which matching row popOne takes (legacy order_type 1–5).',
  values: {
    ID_ASC: { value: 1 },
    ID_DESC: { value: 2 },
    RANDOM: { value: 3, description: 'Best under heavy concurrency; at most 100000 matches.' },
    UPDATE_TIME_ASC: { value: 4 },
    UPDATE_TIME_DESC: { value: 5 },
  } as const,
});

const f = tableInput.shape;
const dataOf = (v: unknown, name: string) => (v === null || v === undefined ? null : dataObject(v, name));

builder.queryField('tableRows', (t) =>
  t.field({
    type: TablePage,
    description: 'App.Table.FreeQuery: a page of the rows of a hosted table.',
    errors: { types: [BusinessError] },
    args: {
      table: t.arg.string({ required: true, validate: f.modelName }),
      where: t.arg({ type: ConditionsInput }),
      order: t.arg({ type: [OrderByInput] }),
      select: t.arg.stringList(),
      page: t.arg.int({ defaultValue: defaultOf(pageInput.shape.page), validate: pageInput.shape.page }),
      perpage: t.arg.int({ defaultValue: defaultOf(pageInput.shape.perpage), validate: pageInput.shape.perpage }),
      modelUuid: t.arg.string({ validate: f.modelUuid }),
      checkCode: t.arg.string({ validate: f.checkCode }),
    },
    resolve: (_root, args, ctx) =>
      queryRows(opOf(ctx), 'App.Table.FreeQuery', {
        modelName: args.table,
        modelUuid: args.modelUuid ?? undefined,
        checkCode: args.checkCode ?? undefined,
        page: args.page ?? 1,
        perpage: args.perpage ?? 20,
        where: whereOf(args.where),
        select: args.select ?? null,
        order: orderOf(args.order),
      }),
  }),
);

builder.queryField('tableRow', (t) =>
  t.field({
    type: TableRow,
    description: 'App.Table.Get: one row by id.',
    errors: { types: [BusinessError] },
    args: { table: t.arg.string({ required: true, validate: f.modelName }), id: t.arg.int({ required: true }), checkCode: t.arg.string() },
    resolve: (_root, args, ctx) => getRow(opOf(ctx), { modelName: args.table, id: args.id, checkCode: args.checkCode ?? undefined }, null),
  }),
);

builder.mutationField('createRow', (t) =>
  t.field({
    type: TableRow,
    description: "App.Table.Create: a new row, owned by the signed-in member ('' for a guest).",
    errors: { types: [BusinessError] },
    args: { table: t.arg.string({ required: true, validate: f.modelName }), data: t.arg({ type: 'JSON' }), checkCode: t.arg.string() },
    resolve: async (_root, args, ctx) => {
      const op = opOf(ctx);
      const ref = { modelName: args.table, checkCode: args.checkCode ?? undefined };
      const id = await createRow(op, 'App.Table.Create', ref, dataOf(args.data, 'data'));
      return getRow(op, { ...ref, id }, null);
    },
  }),
);

builder.mutationField('updateRow', (t) =>
  t.field({
    type: TableRow,
    description: 'App.Table.Update: writes data into the row of that id; answers the row after.',
    errors: { types: [BusinessError] },
    args: { table: t.arg.string({ required: true, validate: f.modelName }), id: t.arg.int({ required: true }), data: t.arg({ type: 'JSON', required: true }), checkCode: t.arg.string() },
    resolve: async (_root, args, ctx) => {
      const op = opOf(ctx);
      const ref = { modelName: args.table, id: args.id, checkCode: args.checkCode ?? undefined };
      await updateRow(op, ref, dataOf(args.data, 'data'));
      return getRow(op, ref, null);
    },
  }),
);

builder.mutationField('deleteRow', (t) =>
  t.field({
    type: 'Int',
    description: 'App.Table.Delete: removes the row of that id; answers the id.',
    errors: { types: [BusinessError] },
    args: { table: t.arg.string({ required: true, validate: f.modelName }), id: t.arg.int({ required: true }), checkCode: t.arg.string() },
    resolve: async (_root, args, ctx) => {
      await deleteRow(opOf(ctx), { modelName: args.table, id: args.id, checkCode: args.checkCode ?? undefined });
      return args.id;
    },
  }),
);

builder.mutationField('popOne', (t) =>
  t.field({
    type: TableRow,
    description: 'App.Table.FreePopOne: one matching row, as found, after which `data` is written into it; concurrent callers never get the same row.',
    errors: { types: [BusinessError] },
    args: {
      table: t.arg.string({ required: true, validate: f.modelName }),
      where: t.arg({ type: ConditionsInput }),
      data: t.arg({ type: 'JSON', description: 'Values written into the row popped, e.g. {"state": 1}.' }),
      fields: t.arg.stringList({ description: 'Columns to answer; all when absent.' }),
      order: t.arg({ type: PopOrder, defaultValue: defaultOf(popInput.shape.orderType) as 1 }),
      modelUuid: t.arg.string({ description: "Only this owner's rows; '' guest rows; absent any owner.", validate: f.modelUuid }),
      checkCode: t.arg.string({ validate: f.checkCode }),
    },
    resolve: async (_root, args, ctx) =>
      (
        await popOne(opOf(ctx), {
          modelName: args.table,
          modelUuid: args.modelUuid ?? undefined,
          checkCode: args.checkCode ?? undefined,
          orderType: args.order ?? 1,
          where: whereOf(args.where),
          fields: args.fields ?? null,
          data: dataOf(args.data, 'data'),
        })
      ).row,
  }),
);
