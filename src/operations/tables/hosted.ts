/**
 * A hosted table as every App.Table.* service reaches it: found for the calling app only
 * (another app's table of the same name is as missing as no table), its check code checked,
 * its columns read. `okayapi_message` is every app's; its `app_id` column is neither visible
 * nor writable, and every statement is scoped by it.
 */
import { z } from 'zod';
import { ident, isIdentifier, sql, type Sql } from '../../db/sql.js';
import { tableInfo, type Row, type TableInfo } from '../../db/store.js';
import { businessError, refuse, type TableService } from '../../errors.js';
import { APP_COLUMN, SYSTEM_COLUMNS, TableRecords, type CheckCode, type HostedTable } from '../../records/tables.js';
import { quote } from '../../where/quote.js';
import { checkData, type Scalar } from '../../where/index.js';
import { coerceOrFail, columnType } from '../../where/values.js';
import type { OperationContext } from '../context.js';
import { textValue } from '../direct-table.js';
import { text } from '../input.js';

/** Parameters every hosted-table service shares. */
export const tableInput = z.object({
  modelName: text({ min: 1, max: 64 }),
  /** ≤ 32: absent (or `@NULL`) any owner, '' guest rows, a value that owner's rows. */
  modelUuid: text({ max: 32 }).optional(),
  checkCode: text({ max: 64 }).optional(),
});

/** The spelling of model_uuid that means "any owner", as absence does. */
export const ANY_OWNER = '@NULL';

export interface OpenTable {
  readonly def: HostedTable;
  /** The columns a caller sees and names (every column but app_id). */
  readonly info: TableInfo;
  /** The table, for FROM / UPDATE / INSERT INTO. */
  readonly from: Sql;
  /** `app_id = ?` for okayapi_message; null for an app's own table. */
  readonly scope: Sql | null;
  /** Values every insert carries (app_id for okayapi_message). */
  readonly own: Row;
}

export async function openHostedTable(ctx: OperationContext, service: TableService, modelName: string, checkCode: CheckCode): Promise<OpenTable> {
  if (!isIdentifier(modelName)) throw refuse('MODEL_NAME_INVALID', { value: quote(modelName) });
  const def = await new TableRecords(ctx.main).find(ctx.app.id, modelName);
  const all = def ? await ctx.main.columns(def.physical) : null;
  if (!def || !all) throw businessError('HOSTED_TABLE_MISSING', service, { table: modelName });
  if (!def.checkCodeMatches(checkCode)) throw businessError('CHECK_CODE_BLOCKED', service, { table: modelName });
  const info = def.shared ? tableInfo(def.physical, all.columns.filter((c) => c.name !== APP_COLUMN)) : all;
  return {
    def,
    info,
    from: ident(def.physical),
    scope: def.shared ? sql`${ident(APP_COLUMN)} = ${ctx.app.id}` : null,
    own: def.shared ? { [APP_COLUMN]: ctx.app.id } : {},
  };
}

/** The owner condition of `model_uuid`, or null for any owner. */
export function ownerCondition(modelUuid: string | undefined): Sql | null {
  if (modelUuid === undefined || modelUuid === ANY_OWNER) return null;
  return sql`${ident('uuid')} = ${modelUuid}`;
}

/** Conditions joined by AND, each in parentheses; `1=1` when there are none. */
export function allOf(parts: ReadonlyArray<Sql | null>): Sql {
  const present = parts.filter((p): p is Sql => p !== null);
  if (!present.length) return sql`1=1`;
  return present.slice(1).reduce((acc, p) => sql`${acc} AND (${p})`, sql`(${present[0]!})`);
}

/**
 * Values to write, checked against the table (§5.9) and converted to the column's type. The
 * system columns are yesgraph's to write: naming one is a 400.
 */
export function writeValues(data: Readonly<Record<string, Scalar>>, t: OpenTable, param: string): Row {
  for (const key of Object.keys(data)) {
    if ((SYSTEM_COLUMNS as readonly string[]).includes(key)) throw refuse('DATA_SYSTEM_COLUMN', { param, field: quote(key) });
  }
  checkData({ ...data }, t.info, param);
  const out: Row = {};
  for (const [key, value] of Object.entries(data)) {
    out[key] = value === null ? null : coerceOrFail(value, columnType(t.info.byName.get(key)!), param, key);
  }
  return out;
}

/** A row as the platform answers it: every value as text (null kept), in the table's column order. */
export function answerRow(row: Row, columns: readonly string[]): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const c of columns) out[c] = textValue(row[c]);
  return out;
}
