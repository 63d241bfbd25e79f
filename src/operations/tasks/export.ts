/**
 * App.Table.FreeExport (GraphQL `exportTable`): a hosted table's matching rows, every one
 * exactly once, read in keyset-paged chunks so memory stays flat whatever the table's size.
 * `startTableExport` checks everything a caller can get wrong (table, check_code, where, select,
 * order) and queues the task at once; the worker (src/tasks/) reads the chunks with
 * `readExportChunk` and writes them with src/operations/tasks/export-format.ts.
 */
import { z } from 'zod';
import { ident, join, sql, type Sql } from '../../db/sql.js';
import type { Executor, Row, TableInfo } from '../../db/store.js';
import { refuse } from '../../errors.js';
import { checkCodeDigest } from '../../records/tables.js';
import { TaskRecords, type Task } from '../../records/tasks.js';
import { checkColumns, compileOrder, compileWhere, type OrderTerm, type Where } from '../../where/index.js';
import type { OperationContext } from '../context.js';
import { textValue } from '../direct-table.js';
import { allOf, answerRow, openHostedTable, ownerCondition, tableInput } from '../tables/hosted.js';
import type { AnsweredRow } from '../tables/rows.js';
import { afterKey, keyTerms, orderBy, type KeyTerm } from './keyset.js';

const SERVICE = 'App.Table.FreeExport';
export const TABLE_EXPORT = 'table-export';

/** Rows read per chunk: the most an export holds in memory at once. */
export const EXPORT_CHUNK = 1000;

export const EXPORT_FORMATS = ['csv', 'jsonl'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const exportInput = tableInput.extend({
  /** csv: a header line then one line per row; jsonl: one JSON object per line. */
  format: z.enum(EXPORT_FORMATS).default('csv'),
});

export interface ExportParams {
  readonly modelName: string;
  readonly modelUuid?: string;
  readonly checkCode?: string;
  /** What a queued task keeps instead of `checkCode`: its digest, checked again when the task runs. */
  readonly checkCodeDigest?: string;
  readonly where: Where;
  /** Columns to write, in this order; null for every column. */
  readonly select: readonly string[] | null;
  readonly order: readonly OrderTerm[];
  readonly format: ExportFormat;
}

/** What an export reads: the store and table, the columns written, the rows matched, the key order. */
export interface ExportPlan {
  readonly store: Executor;
  readonly from: Sql;
  readonly columns: readonly string[];
  readonly match: Sql;
  readonly keys: readonly KeyTerm[];
}

/** The request's select, where and order checked against the table (their 400s), as a plan on `store`. */
export function exportPlan(store: Executor, from: Sql, info: TableInfo, p: Pick<ExportParams, 'select' | 'where' | 'order'>, scope: ReadonlyArray<Sql | null>): ExportPlan {
  if (p.select) checkColumns([...p.select], info, 'select');
  const columns = p.select ? [...p.select] : info.columns.map((c) => c.name);
  const conditions = p.where.items.length ? compileWhere(p.where, info, store.dialect, 'where') : null;
  compileOrder([...p.order], info, store.dialect, 'order');
  const terms: KeyTerm[] = p.order.map((o) => {
    if (o.kind === 'random') throw refuse('EXPORT_ORDER_RANDOM', { param: 'order' });
    return { column: o.column, direction: o.direction };
  });
  return { store, from, columns, match: allOf([...scope, conditions]), keys: keyTerms(terms) };
}

/** Opens the hosted table and checks every part of the request; throws its 400 or err_code. */
export async function planExport(ctx: OperationContext, p: ExportParams): Promise<ExportPlan> {
  const t = await openHostedTable(ctx, SERVICE, p.modelName, p.checkCodeDigest !== undefined ? { digest: p.checkCodeDigest } : p.checkCode);
  return exportPlan(ctx.main, t.from, t.info, p, [t.scope, ownerCondition(p.modelUuid)]);
}

/** Checks the request and queues the export; the task belongs to the signed-in member, if any. */
export async function startTableExport(ctx: OperationContext, p: ExportParams): Promise<Task> {
  await planExport(ctx, p);
  // The task keeps the check code's digest, never the code (the table itself keeps only the digest).
  const { checkCode, ...rest } = p;
  const params: ExportParams = checkCode === undefined ? rest : { ...rest, checkCodeDigest: checkCodeDigest(checkCode) };
  return new TaskRecords(ctx.main).create({ appId: ctx.app.id, ownerUuid: ctx.member?.uuid ?? '', kind: TABLE_EXPORT, params });
}

/** How many rows the export will write (for its progress). */
export async function countExport(plan: ExportPlan): Promise<number> {
  const [row] = await plan.store.query<{ n: number | string }>(sql`SELECT COUNT(*) AS n FROM ${plan.from} WHERE ${plan.match}`);
  return Number(row?.n ?? 0);
}

export interface Chunk {
  readonly rows: AnsweredRow[];
  /** The key values of the last row read, JSON-safe, for the next chunk; null when none was read. */
  readonly last: Record<string, string | number | null> | null;
}

/** The next `size` rows after `last` (from the start when null). */
export async function readExportChunk(plan: ExportPlan, last: Readonly<Record<string, unknown>> | null, size = EXPORT_CHUNK): Promise<Chunk> {
  const names = [...new Set([...plan.keys.map((k) => k.column), ...plan.columns])];
  const position = last ? afterKey(plan.keys, last) : null;
  if (last && !position) return { rows: [], last: null };
  const where = position ? sql`${plan.match} AND ${position}` : plan.match;
  const rows = await plan.store.query(
    sql`SELECT ${join(names.map((c) => ident(c)))} FROM ${plan.from} WHERE ${where} ORDER BY ${orderBy(plan.keys)}${plan.store.dialect.limitOffset(size, 0)}`,
  );
  const tail = rows.at(-1);
  return { rows: rows.map((r) => answerRow(r, plan.columns)), last: tail ? keyOf(tail, plan.keys) : null };
}

function keyOf(row: Row, keys: readonly KeyTerm[]): Record<string, string | number | null> {
  const out: Record<string, string | number | null> = {};
  for (const k of keys) {
    const v = row[k.column];
    out[k.column] = typeof v === 'number' ? v : textValue(v);
  }
  return out;
}
