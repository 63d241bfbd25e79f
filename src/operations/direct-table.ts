/**
 * A table of an owner's own database, as every App.DB_MsSQL_Data.* service reaches it
 * (docs/PROTOCOL.md §6.6): `db_mark` resolved for the calling app only, `table_prefix` put in front of
 * `model_name`, the platform's table-name rules applied, the columns read.
 *
 * Decisions: a db_mark the app has not registered (including another app's) is the service's
 * err_code 1, worded the same either way so that marks of other apps cannot be probed; a name
 * that cannot be a table (not an identifier, or the reserved `_<digits>` shard suffix) is a
 * 400; a missing table or a failed statement is err_code 1, and its message never carries SQL.
 */
import { randomUUID } from 'node:crypto';
import type { ResolvedDatabase } from '../db/registry.js';
import { sqlDateTime } from '../db/datetime.js';
import { isIdentifier } from '../db/sql.js';
import type { Column, Store, TableInfo } from '../db/store.js';
import { BusinessError, businessError, ProtocolError, refuse, type DirectService } from '../errors.js';
import type { OperationContext } from './context.js';

export interface DirectTable {
  readonly service: DirectService;
  readonly db: ResolvedDatabase;
  readonly store: Store;
  /** The name the caller sent: messages use it, never the prefixed name. */
  readonly modelName: string;
  readonly table: TableInfo;
}

const SHARD_SUFFIX = /_\d+$/;

/** The real table name for `model_name`, or a 400. */
export function directTableName(modelName: string, tablePrefix: string): string {
  const name = tablePrefix + modelName;
  if (!isIdentifier(name)) throw refuse('MODEL_NAME_INVALID', { value: modelName });
  if (SHARD_SUFFIX.test(name)) throw refuse('MODEL_NAME_RESERVED', { value: modelName });
  return name;
}

/**
 * Runs `fn` against the owner's database. A failure there is the developer's err_code 1: the
 * cause (which may quote SQL) goes to the log under an id, the caller gets the id.
 */
export async function onOwnerDatabase<T>(ctx: OperationContext, service: DirectService, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof BusinessError || err instanceof ProtocolError) throw err;
    const errorId = randomUUID();
    ctx.log.warn({ err, errorId, service }, 'direct-connect statement failed');
    throw businessError('STATEMENT_FAILED', service, { errorId });
  }
}

export async function openDirectTable(
  ctx: OperationContext,
  service: DirectService,
  dbMark: string,
  modelName: string,
): Promise<DirectTable> {
  directTableName(modelName, '');
  // Opening the pool re-checks an app registration's address (it may now be refused).
  const db = await onOwnerDatabase(ctx, service, () => ctx.databases.resolve(ctx.app.id, dbMark));
  if (!db) throw businessError('DB_MARK_UNKNOWN', service, { dbMark });
  const name = directTableName(modelName, db.tablePrefix);
  const table = await onOwnerDatabase(ctx, service, () => db.store.columns(name));
  if (!table) throw businessError('TABLE_MISSING', service, { table: modelName });
  return { service, db, store: db.store, modelName, table };
}

/**
 * A column a service names in a parameter (`parent_field`, `amount_field`, …): not an
 * identifier → 400; missing, or not an integer column when one is required → err_code 1.
 */
export function requireColumn(t: DirectTable, param: string, name: string, kind?: 'integer'): Column {
  if (!isIdentifier(name)) throw refuse('COLUMN_NAME_INVALID', { name: param, value: name });
  const column = t.table.byName.get(name);
  if (!column) throw businessError('COLUMN_MISSING', t.service, { table: t.modelName, column: name });
  if (kind && column.kind !== kind) throw businessError('COLUMN_NOT_INTEGER', t.service, { name: param, column: name });
  return column;
}

/** An integer column's value as the platform answers it: a number, or null. */
export function integerValue(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v);
}

/**
 * Any other column's value as the platform answers it: text (its PHP driver fetched every
 * value as a string), null kept. Dates read back as 'YYYY-MM-DD HH:MM:SS' (SQL Server's driver
 * hands out Date objects; MySQL is configured to answer this text already), bytes as base64.
 */
export function textValue(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (v instanceof Date) {
    return sqlDateTime(v) + (v.getUTCMilliseconds() ? v.toISOString().slice(19, 23) : '');
  }
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  return String(v);
}
