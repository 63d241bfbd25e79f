/**
 * The core data services of a hosted table (App.Table.Create, CheckCreate, Get, Update,
 * Delete, FreeQuery, FreeCount; GraphQL `tableRows`, `createRow`, `updateRow`, `deleteRow`).
 * Rows are answered as the platform does, every value as text. Reads, updates and deletes
 * honour `model_uuid` (src/operations/tables/hosted.ts); a created row belongs to the
 * signed-in member (its uuid), or is a guest row ('').
 */
import { type z } from 'zod';
import { sqlNow } from '../../db/datetime.js';
import { ident, join, param, sql } from '../../db/sql.js';
import type { Row } from '../../db/store.js';
import { businessError, refuse, type TableService } from '../../errors.js';
import { checkColumns, compileOrder, compileWhere, type OrderTerm, type Scalar, type Where } from '../../where/index.js';
import type { OperationContext } from '../context.js';
import { int } from '../input.js';
import { allOf, answerRow, openHostedTable, ownerCondition, tableInput, writeValues, type OpenTable } from './hosted.js';

export type { TableService };

/** A page of rows (App.Table.FreeQuery, GraphQL `tableRows`). */
export const pageInput = tableInput.extend({
  page: int({ min: 1, max: 1_000_000_000 }).default(1),
  perpage: int({ min: 1, max: 1000 }).default(20),
});

export const idInput = tableInput.extend({ id: int({ min: 1 }) });

export type TableRef = z.output<typeof tableInput>;

export interface QueryInput extends z.output<typeof pageInput> {
  readonly where: Where;
  readonly select: readonly string[] | null;
  readonly order: readonly OrderTerm[];
}

export type AnsweredRow = Record<string, string | null>;

function columnsOf(t: OpenTable, select: readonly string[] | null, param: string): string[] {
  if (!select) return t.info.columns.map((c) => c.name);
  checkColumns([...select], t.info, param);
  return [...select];
}

function matchOf(ctx: OperationContext, t: OpenTable, ref: TableRef, where: Where | null): ReturnType<typeof allOf> {
  const conditions = where && where.items.length ? compileWhere(where, t.info, ctx.main.dialect, 'where') : null;
  return allOf([t.scope, ownerCondition(ref.modelUuid), conditions]);
}

/** App.Table.Create: the new row's id. */
export async function createRow(ctx: OperationContext, service: TableService, ref: TableRef, data: Readonly<Record<string, Scalar>> | null): Promise<number> {
  const t = await openHostedTable(ctx, service, ref.modelName, ref.checkCode);
  const row: Row = { ...writeValues(data ?? {}, t, 'data'), ...t.own, uuid: ctx.member?.uuid ?? '', add_time: sqlNow() };
  const names = Object.keys(row);
  const { insertId } = await ctx.main.execute(sql`INSERT INTO ${t.from} (${join(names.map((n) => ident(n)))}) VALUES (${join(names.map((n) => param(row[n])))})`);
  if (insertId === null) throw new Error('INSERT answered no id');
  return insertId;
}

/** App.Table.CheckCreate: the id of the first row whose check fields equal data's, or of a new row. */
export async function checkCreate(
  ctx: OperationContext,
  ref: TableRef,
  data: Readonly<Record<string, Scalar>> | null,
  checkFields: readonly string[],
): Promise<{ id: number; created: boolean }> {
  const service = 'App.Table.CheckCreate';
  const t = await openHostedTable(ctx, service, ref.modelName, ref.checkCode);
  const values = data ?? {};
  const items = checkFields.map((field) => {
    if (!Object.hasOwn(values, field)) throw refuse('FIELD_UNKNOWN', { param: 'data', field });
    return { kind: 'compare' as const, field, op: 'EQ' as const, value: values[field]!, param: 'check_field' };
  });
  const match = matchOf(ctx, t, { ...ref, modelUuid: undefined }, { logic: 'and', items });
  const [found] = await ctx.main.query<{ id: number | string }>(sql`SELECT id FROM ${t.from} WHERE ${match} ORDER BY id ASC${ctx.main.dialect.limitOffset(1, 0)}`);
  if (found) return { id: Number(found.id), created: false };
  return { id: await createRow(ctx, service, ref, data), created: true };
}

/** App.Table.Get: the row of that id, or err_code 3. */
export async function getRow(ctx: OperationContext, ref: TableRef & { id: number }, select: readonly string[] | null): Promise<AnsweredRow> {
  const t = await openHostedTable(ctx, 'App.Table.Get', ref.modelName, ref.checkCode);
  const columns = columnsOf(t, select, 'select');
  const [row] = await ctx.main.query(sql`SELECT ${join(columns.map((c) => ident(c)))} FROM ${t.from} WHERE ${matchOf(ctx, t, ref, null)} AND id = ${ref.id}`);
  if (!row) throw businessError('ROW_MISSING', 'App.Table.Get', { id: ref.id });
  return answerRow(row, columns);
}

/** App.Table.Update: writes data into the row of that id (update_time too), or err_code 3. */
export async function updateRow(ctx: OperationContext, ref: TableRef & { id: number }, data: Readonly<Record<string, Scalar>> | null): Promise<void> {
  const t = await openHostedTable(ctx, 'App.Table.Update', ref.modelName, ref.checkCode);
  if (!data || !Object.keys(data).length) throw refuse('DATA_EMPTY', { param: 'data' });
  const values = writeValues(data, t, 'data');
  const set = join([...Object.entries(values).map(([k, v]) => sql`${ident(k)} = ${param(v)}`), sql`update_time = ${sqlNow()}`]);
  const { affectedRows } = await ctx.main.execute(sql`UPDATE ${t.from} SET ${set} WHERE ${matchOf(ctx, t, ref, null)} AND id = ${ref.id}`);
  if (affectedRows === 0) throw businessError('ROW_MISSING', 'App.Table.Update', { id: ref.id });
}

/** App.Table.Delete: removes the row of that id, or err_code 3. */
export async function deleteRow(ctx: OperationContext, ref: TableRef & { id: number }): Promise<void> {
  const t = await openHostedTable(ctx, 'App.Table.Delete', ref.modelName, ref.checkCode);
  const { affectedRows } = await ctx.main.execute(sql`DELETE FROM ${t.from} WHERE ${matchOf(ctx, t, ref, null)} AND id = ${ref.id}`);
  if (affectedRows === 0) throw businessError('ROW_MISSING', 'App.Table.Delete', { id: ref.id });
}

/** App.Table.FreeCount: how many rows match. */
export async function countRows(ctx: OperationContext, service: TableService, ref: TableRef, where: Where): Promise<number> {
  const t = await openHostedTable(ctx, service, ref.modelName, ref.checkCode);
  const [row] = await ctx.main.query<{ n: number | string }>(sql`SELECT COUNT(*) AS n FROM ${t.from} WHERE ${matchOf(ctx, t, ref, where)}`);
  return Number(row?.n ?? 0);
}

/** App.Table.FreeQuery: one page of matching rows and how many match in all. */
export async function queryRows(ctx: OperationContext, service: TableService, input: QueryInput): Promise<{ total: number; list: AnsweredRow[] }> {
  const t = await openHostedTable(ctx, service, input.modelName, input.checkCode);
  const columns = columnsOf(t, input.select, 'select');
  const match = matchOf(ctx, t, input, input.where);
  const order = compileOrder([...input.order], t.info, ctx.main.dialect, 'order') ?? sql`id ASC`;
  const [count, rows] = await Promise.all([
    ctx.main.query<{ n: number | string }>(sql`SELECT COUNT(*) AS n FROM ${t.from} WHERE ${match}`),
    ctx.main.query(
      sql`SELECT ${join(columns.map((c) => ident(c)))} FROM ${t.from} WHERE ${match} ORDER BY ${order}${ctx.main.dialect.limitOffset(input.perpage, (input.page - 1) * input.perpage)}`,
    ),
  ]);
  return { total: Number(count[0]?.n ?? 0), list: rows.map((r) => answerRow(r, columns)) };
}
