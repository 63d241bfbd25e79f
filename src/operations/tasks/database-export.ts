/**
 * App.DB_MsSQL_Data.FreeExport (GraphQL `exportDatabaseTable`): the matching rows of a table of
 * a registered database (§6.6: `db_mark` of the calling app, `table_prefix`), exported as a task
 * exactly as a hosted table is (src/operations/tasks/export.ts). The keyset needs the table's
 * integer `id`. A failure on the owner's database while checking the request is err_code 1
 * with an error id; at run time it fails the run, which is retried.
 */
import { ident } from '../../db/sql.js';
import { businessError } from '../../errors.js';
import { TaskRecords, type Task } from '../../records/tasks.js';
import type { OperationContext } from '../context.js';
import { onOwnerDatabase, openDirectTable } from '../direct-table.js';
import { z } from 'zod';
import { databaseInput } from '../database-input.js';
import { text } from '../input.js';
import { exportPlan, readExportChunk, type ExportParams, type ExportPlan } from './export.js';

const SERVICE = 'App.DB_MsSQL_Data.FreeExport';
export const DATABASE_EXPORT = 'database-export';

export const databaseExportInput = z.object({
  dbMark: databaseInput.shape.dbMark,
  /** Without the db_mark's table_prefix. */
  modelName: text({ min: 1, max: 64 }),
});

export interface DatabaseExportParams extends Omit<ExportParams, 'modelUuid' | 'checkCode'> {
  readonly dbMark: string;
}

/** Opens the owner's table and checks every part of the request; throws its 400 or err_code. */
export async function planDatabaseExport(ctx: OperationContext, p: DatabaseExportParams): Promise<ExportPlan> {
  const t = await openDirectTable(ctx, SERVICE, p.dbMark, p.modelName);
  if (t.table.byName.get('id')?.kind !== 'integer') throw businessError('ID_NOT_INTEGER', SERVICE, { table: p.modelName });
  return exportPlan(t.store, ident(t.table.name), t.table, p, []);
}

/** Checks the request (a statement on the owner's database included) and queues the export. */
export async function startDatabaseExport(ctx: OperationContext, p: DatabaseExportParams): Promise<Task> {
  const plan = await planDatabaseExport(ctx, p);
  // The first row, read once: proves the conditions run on the owner's engine before the task is queued.
  await onOwnerDatabase(ctx, SERVICE, () => readExportChunk(plan, null, 1));
  return new TaskRecords(ctx.main).create({ appId: ctx.app.id, ownerUuid: ctx.member?.uuid ?? '', kind: DATABASE_EXPORT, params: p });
}

